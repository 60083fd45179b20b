/** Building blocks for scenario traffic: a paced stream of events and a fixed script. */
import type { VigilEvent } from '../../events/types.ts';
import { Actor, type Emitter } from '../engine.ts';
import type { Rng } from '../rng.ts';

/** Emits `emit(ctx, ts, i)` from `start` until `end`, with exponential (or fixed) gaps. */
export abstract class PacedActor extends Actor {
  private i = 0;

  constructor(
    protected readonly rng: Rng,
    start: number,
    private readonly end: number,
    private readonly gapMs: number,
    private readonly poisson = true,
  ) {
    super();
    this.next = start < end ? start : Infinity;
  }

  protected abstract emit(ctx: Emitter, ts: number, i: number): VigilEvent | null;

  step(ctx: Emitter): void {
    const e = this.emit(ctx, Math.round(this.next), this.i++);
    if (e !== null) ctx.push(e, this.tag);
    this.next += this.poisson ? this.rng.exp(this.gapMs) : this.gapMs;
    if (this.next >= this.end) this.next = Infinity;
  }
}

export type ScriptStep = [at: number, make: (ctx: Emitter, ts: number) => VigilEvent];

/** A short fixed sequence of events (an intrusion, a badge clone); steps sorted by time. */
export class ScriptActor extends Actor {
  private i = 0;

  constructor(private readonly steps: ScriptStep[]) {
    super();
    steps.sort((a, b) => a[0] - b[0]);
    this.next = steps[0]?.[0] ?? Infinity;
  }

  step(ctx: Emitter): void {
    const s = this.steps[this.i++];
    if (s !== undefined) ctx.push(s[1](ctx, Math.round(s[0])), this.tag);
    this.next = this.steps[this.i]?.[0] ?? Infinity;
  }
}
