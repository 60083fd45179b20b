/**
 * Normal behaviour of principals: users through office hours, service accounts on
 * hourly and nightly schedules, agents around the clock with tool calls and vector
 * index queries. Arrival times come from non-homogeneous Poisson processes drawn by
 * thinning (Lewis & Shedler, 1979) against each principal's activity curve.
 */
import type { ToolCall } from '../../events/types.ts';
import { DAY, HOUR, MINUTE, SECOND, localDay, localMidnight, type Calendar } from '../calendar.ts';
import { Actor, type Emitter } from '../engine.ts';
import { accessEvent, actionBytes, inferenceEvent, pickAction } from '../events.ts';
import type { Rng } from '../rng.ts';
import type { Principal, Resource } from '../world-types.ts';

/** Slow growth of the platform: +1.5 % traffic per simulated day, saturating at +40 %. */
function trend(t: number, startMs: number): number {
  return 1 + Math.min(0.4, (0.015 * (t - startMs)) / DAY);
}

abstract class PoissonActor extends Actor {
  constructor(
    protected readonly p: Principal,
    protected readonly rng: Rng,
    protected readonly cal: Calendar,
    protected readonly startMs: number,
    /** Last moment of activity (a trial job, a scenario's window); Infinity = for ever. */
    protected readonly until: number,
  ) {
    super();
  }

  /** Relative activity in [0, 1] at time t. */
  protected abstract activity(t: number): number;

  /** Next arrival after t: candidates at 1.4 × peak rate, kept with probability activity × trend / 1.4. */
  protected arrival(t: number): number {
    const mean = HOUR / (this.p.peakPerHour * 1.4);
    for (;;) {
      t += this.rng.exp(mean);
      if (t >= this.until) return Infinity;
      if (this.rng.next() * 1.4 < this.activity(t) * trend(t, this.startMs)) return t;
    }
  }
}

export class UserActor extends PoissonActor {
  private readonly centre: number;

  constructor(p: Principal, rng: Rng, cal: Calendar, startMs: number, until = Infinity) {
    super(p, rng, cal, startMs, until);
    this.centre = rng.int(6);
    this.next = this.arrival(Math.max(startMs, p.activeFrom));
  }

  protected activity(t: number): number {
    const p = this.p;
    return this.cal.office(t, p.utcOffsetH, p.officeStartH, p.officeEndH);
  }

  step(ctx: Emitter): void {
    const { p, rng } = this;
    const ts = Math.round(this.next);
    if (p.models.length > 0 && (p.resources.length === 0 || rng.chance(0.6))) {
      ctx.push(inferenceEvent(ctx, ts, rng.pick(p.models), p, rng, this.centre, undefined), this.tag);
    } else if (p.resources.length > 0) {
      const r = rng.pick(p.resources);
      const action = pickAction(r, rng);
      ctx.push(
        accessEvent(ctx, ts, p, r, action, actionBytes(r, action, rng), rng.chance(0.004), undefined),
        this.tag,
      );
    }
    this.next = this.arrival(this.next);
  }
}

export class AgentActor extends PoissonActor {
  /** Index in the vector index query that follows a `vector_search` tool call, or null. */
  private pendingIndex: Resource | null = null;
  private readonly calls: ToolCall[][];
  private readonly centre: number;

  constructor(p: Principal, rng: Rng, cal: Calendar, startMs: number, until = Infinity) {
    super(p, rng, cal, startMs, until);
    this.calls = p.tools.map((t) => [t]);
    this.centre = rng.int(6);
    this.next = this.arrival(Math.max(startMs, p.activeFrom));
  }

  protected activity(t: number): number {
    return this.cal.demand(t, this.p.utcOffsetH);
  }

  step(ctx: Emitter): void {
    const { p, rng } = this;
    const ts = Math.round(this.next);
    if (this.pendingIndex !== null) {
      const r = this.pendingIndex;
      this.pendingIndex = null;
      const via = p.models[0]?.id;
      ctx.push(accessEvent(ctx, ts, p, r, 'query', actionBytes(r, 'query', rng), false, via), this.tag);
      this.next = this.arrival(this.next);
      return;
    }
    const model = p.models[0];
    if (model === undefined) {
      this.next = Infinity;
      return;
    }
    const ci = rng.int(this.calls.length + 1);
    const calls = this.calls[ci];
    const e = inferenceEvent(ctx, ts, model, p, rng, this.centre, calls);
    ctx.push(e, this.tag);
    const index =
      calls !== undefined && ci === 0 ? p.resources.find((r) => r.type === 'vector_index') : undefined;
    if (index !== undefined && e.status === 'ok') {
      this.pendingIndex = index;
      this.next += e.latency_ms + rng.uniform(20, 200);
    } else {
      this.next = this.arrival(this.next);
    }
  }
}

/** Service accounts: a run of reads (and batch scoring) every hour or every night. */
export class ServiceActor extends Actor {
  private left = 0;
  private inferLeft = 0;
  private runDay = 0;

  constructor(
    private readonly p: Principal,
    private readonly rng: Rng,
    private readonly startMs: number,
    private readonly until = Infinity,
  ) {
    super();
    this.next = this.nextRun(Math.max(startMs, p.activeFrom) - 1);
  }

  private nextRun(after: number): number {
    const p = this.p;
    if (p.schedule === 'hourly') {
      let t = Math.floor(after / HOUR) * HOUR + p.runMinute * MINUTE;
      if (t <= after) t += HOUR;
      return t + this.rng.uniform(0, 20 * SECOND);
    }
    let day = localDay(after, p.utcOffsetH);
    let t = localMidnight(day, p.utcOffsetH) + p.runHourLocal * HOUR + p.runMinute * MINUTE;
    while (t <= after) t = localMidnight(++day, p.utcOffsetH) + p.runHourLocal * HOUR + p.runMinute * MINUTE;
    return t + this.rng.uniform(0, 2 * MINUTE);
  }

  step(ctx: Emitter): void {
    const { p, rng } = this;
    const ts = Math.round(this.next);
    if (this.left === 0 && this.inferLeft === 0) {
      // Run starts: size it. Hourly jobs also score a batch on their model.
      this.left = Math.max(1, Math.round(p.readsPerRun * rng.uniform(0.8, 1.2)));
      this.inferLeft = p.schedule === 'hourly' && p.models.length > 0 ? 10 + rng.int(20) : 0;
      this.runDay = Math.max(0, Math.floor((ts - Math.max(p.activeFrom, this.startMs)) / DAY));
    }
    const model = p.models[0];
    if (this.inferLeft > 0 && model !== undefined && (this.left === 0 || rng.chance(0.7))) {
      this.inferLeft--;
      ctx.push(inferenceEvent(ctx, ts, model, p, rng, 0, undefined), this.tag);
      this.next += rng.exp(1500);
    } else if (this.left > 0) {
      this.left--;
      const r = rng.pick(p.resources);
      if (r !== undefined) {
        const nightly = p.schedule === 'nightly';
        const action = nightly ? 'read' : pickAction(r, rng);
        const ramp = 1 + p.rampPerDay * this.runDay;
        const bytes = nightly
          ? Math.round(rng.logNormal(p.readBytesMedian * ramp, 0.5))
          : actionBytes(r, action, rng);
        ctx.push(accessEvent(ctx, ts, p, r, action, bytes, rng.chance(0.001), undefined), this.tag);
      }
      this.next += rng.exp(isNightly(p) ? 50 * SECOND : 4 * SECOND);
    }
    if (this.left === 0 && this.inferLeft === 0) this.next = this.nextRun(this.next);
    if (this.next >= this.until) this.next = Infinity;
  }
}

const isNightly = (p: Principal): boolean => p.schedule === 'nightly';
