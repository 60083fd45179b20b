/**
 * The discrete-event engine: every entity is an `Actor` with the time of its next step;
 * a binary min-heap always runs the earliest one. Memory is the heap (one slot per actor)
 * plus the few events a step emits, whatever the simulated span.
 *
 * Actors are classes with a `step` method rather than closures, so the per-event path
 * allocates only the event itself.
 */
import type { VigilEvent } from '../events/types.ts';
import type { Label } from './label.ts';
import type { World } from './world-types.ts';
import type { Calendar } from './calendar.ts';

export abstract class Actor {
  /** Send time of the next step, epoch ms; Infinity retires the actor. */
  next = Infinity;
  /** Tie-breaker for equal times, assigned by the engine: keeps the order deterministic. */
  order = 0;
  /** Scenario name stamped on events when tagging is on; '' for normal traffic. */
  tag = '';
  /** Emits zero or more events and moves `next` forward. */
  abstract step(ctx: Emitter): void;
}

export class Emitter {
  readonly out: VigilEvent[] = [];
  readonly labels: Label[] = [];
  private n = 0;
  private readonly prefix: string;
  /** Actors created during the run (recurring scenarios); the engine drains it. */
  readonly spawned: Actor[] = [];

  constructor(
    readonly world: World,
    readonly calendar: Calendar,
    /** Stamp `sim_scenario` on events that scenarios produce or alter (tests only). */
    readonly tagEvents: boolean,
    idPrefix: string,
  ) {
    this.prefix = idPrefix;
  }

  id(): string {
    return this.prefix + (this.n++).toString(36);
  }

  push(event: VigilEvent, tag: string): void {
    if (tag !== '' && this.tagEvents) event['sim_scenario'] = tag;
    this.out.push(event);
  }

  spawn(actor: Actor): void {
    this.spawned.push(actor);
  }
}

/**
 * A binary min-heap of actors by (`next`, `order`). The keys live in typed arrays beside
 * the actors: actors are instances of a dozen classes, so reading `next` from them is a
 * megamorphic property load, and the sift loops did some twenty per event — the largest
 * single cost of generation in the profile (issue 5). Each step now reads `next` once.
 */
export class ActorHeap {
  private readonly items: Actor[] = [];
  private times = new Float64Array(256);
  private orders = new Float64Array(256);
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): Actor | undefined {
    return this.items[0];
  }

  /** Send time of the top actor; Infinity when empty. */
  peekTime(): number {
    return this.items.length === 0 ? Infinity : (this.times[0] as number);
  }

  push(actor: Actor): void {
    actor.order = this.seq++;
    const items = this.items;
    let i = items.length;
    if (i === this.times.length) this.grow();
    items.push(actor);
    const times = this.times;
    const orders = this.orders;
    const t = actor.next;
    const o = actor.order;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < t || (pt === t && (orders[parent] as number) < o)) break;
      items[i] = items[parent] as Actor;
      times[i] = pt;
      orders[i] = orders[parent] as number;
      i = parent;
    }
    items[i] = actor;
    times[i] = t;
    orders[i] = o;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    const orders = new Float64Array(this.orders.length * 2);
    times.set(this.times);
    orders.set(this.orders);
    this.times = times;
    this.orders = orders;
  }

  /** Restores the heap after the top actor's `next` grew; drops it if retired. */
  updateTop(): void {
    const items = this.items;
    let top = items[0];
    if (top === undefined) return;
    const times = this.times;
    const orders = this.orders;
    let t = top.next;
    let o = orders[0] as number;
    if (t === Infinity) {
      const last = items.pop() as Actor;
      const n = items.length;
      if (n === 0) return;
      top = last;
      t = times[n] as number;
      o = orders[n] as number;
    }
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let ct = times[l] as number;
      let co = orders[l] as number;
      if (r < n) {
        const rt = times[r] as number;
        const ro = orders[r] as number;
        if (rt < ct || (rt === ct && ro < co)) {
          c = r;
          ct = rt;
          co = ro;
        }
      }
      if (t < ct || (t === ct && o < co)) break;
      items[i] = items[c] as Actor;
      times[i] = ct;
      orders[i] = co;
      i = c;
    }
    items[i] = top;
    times[i] = t;
    orders[i] = o;
  }
}

/**
 * Steps actors whose send time is before `until`, leaving their events in `ctx.out`;
 * stops early once `max` events are waiting. Used by the paced live feed.
 */
export function stepUntil(heap: ActorHeap, ctx: Emitter, until: number, max: number): void {
  for (;;) {
    if (heap.peekTime() >= until || ctx.out.length >= max) return;
    (heap.peek() as Actor).step(ctx);
    heap.updateTop();
    if (ctx.spawned.length > 0) {
      for (const a of ctx.spawned) heap.push(a);
      ctx.spawned.length = 0;
    }
  }
}

/**
 * Runs actors until `endMs` (send time), handing each event to `each` in send order;
 * stops early when `each` returns false. The same steps as `runActors` without a
 * generator's suspend and resume per event — the file writer's path (issue 5).
 */
export function driveActors(
  heap: ActorHeap,
  ctx: Emitter,
  endMs: number,
  each: (e: VigilEvent) => boolean,
): void {
  const out = ctx.out;
  for (;;) {
    if (heap.peekTime() >= endMs) return;
    (heap.peek() as Actor).step(ctx);
    heap.updateTop();
    if (ctx.spawned.length > 0) {
      for (const a of ctx.spawned) heap.push(a);
      ctx.spawned.length = 0;
    }
    for (let i = 0; i < out.length; i++) {
      if (!each(out[i] as VigilEvent)) {
        out.length = 0;
        return;
      }
    }
    out.length = 0;
  }
}

/**
 * Runs actors until `endMs` (send time), yielding events in send order. An event's `ts`
 * may trail its send time by a device's clock jitter, so `ts` is ordered up to a couple
 * of seconds — the out-of-order texture real collectors see.
 */
export function* runActors(heap: ActorHeap, ctx: Emitter, endMs: number): Generator<VigilEvent> {
  const out = ctx.out;
  for (;;) {
    if (heap.peekTime() >= endMs) return;
    (heap.peek() as Actor).step(ctx);
    heap.updateTop();
    if (ctx.spawned.length > 0) {
      for (const a of ctx.spawned) heap.push(a);
      ctx.spawned.length = 0;
    }
    for (let i = 0; i < out.length; i++) yield out[i] as VigilEvent;
    out.length = 0;
  }
}
