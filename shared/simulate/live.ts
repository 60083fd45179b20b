/**
 * The live feed for the embedded demo (`npm start`): the same world as `simulate()`,
 * paced against the wall clock (accelerated by `speedup`), with every scenario family
 * recurring every few minutes so a newcomer sees alerts of each kind.
 */
import type { VigilEvent } from '../events/types.ts';
import { MINUTE } from './calendar.ts';
import { Actor, stepUntil, type Emitter } from './engine.ts';
import type { Label } from './label.ts';
import { Rng } from './rng.ts';
import { SCENARIOS, scenarioDef } from './scenarios/index.ts';
import { place } from './scenarios/plan.ts';
import { prepare } from './simulate.ts';
import type { SizePreset, World } from './world-types.ts';

export interface LiveFeedOptions {
  seed?: number;
  /** Default `small`. */
  size?: SizePreset;
  /** Simulated seconds per wall-clock second (default 60: an hour a minute). */
  speedup?: number;
  /** Wall-clock minutes between injected scenarios (default 1). */
  attackEveryMinutes?: number;
  /** Scenario names to cycle through (default: every scenario, attacks and look-alikes). */
  scenarios?: readonly string[];
  /** Simulated hours of history emitted at once before pacing starts (default 0). */
  backfillHours?: number;
  /** Wall-clock seconds before the first scenario (default 20: baselines settle first). */
  firstAttackAfterSeconds?: number;
  /** Wall-clock milliseconds between batches (default 250). */
  batchMs?: number;
  /** Simulated time of the first paced event (default: now). Events keep `ts` in sim time. */
  startMs?: number;
  /** Stops the feed; the iterator then returns. */
  signal?: AbortSignal;
  tagScenarioEvents?: boolean;
}

export interface LiveBatch {
  events: VigilEvent[];
  /** Labels of scenarios injected since the previous batch. */
  labels: Label[];
  /** Simulated time the batch reaches, epoch ms. */
  simTime: number;
}

/** Injects the next scenario of the cycle every `everyMs` of simulated time. */
class Scheduler extends Actor {
  private k = 0;
  constructor(
    private readonly seed: number,
    private readonly names: readonly string[],
    private readonly everyMs: number,
    first: number,
  ) {
    super();
    this.next = first;
  }

  step(ctx: Emitter): void {
    const now = this.next;
    this.next += this.everyMs;
    prune(ctx.world, now);
    const def = scenarioDef(this.names[this.k % this.names.length] ?? 'denied-burst');
    const rng = Rng.derive(this.seed, `live/${def.name}/${this.k}`);
    this.k++;
    const sctx = {
      world: ctx.world,
      calendar: ctx.calendar,
      rng,
      startMs: now,
      endMs: Infinity,
      tag: def.name,
    };
    try {
      const placed = place(def, { name: def.name, start: now + MINUTE }, sctx, 0, 1);
      ctx.labels.push(placed.label);
      for (const a of placed.actors) ctx.spawn(a);
    } catch {
      // A scenario that cannot run in this world (say, one site only) is skipped, not fatal.
    }
  }
}

/** Drops expired effect windows so a feed that runs for days keeps constant memory. */
function prune(world: World, now: number): void {
  const live = <T extends { end: number }>(ws: T[]): T[] => ws.filter((w) => w.end > now);
  for (const m of world.models) {
    m.effects.outputShift = live(m.effects.outputShift);
    m.effects.inputShift = live(m.effects.inputShift);
  }
  for (const site of world.sites) {
    for (const zone of site.zones) {
      for (const d of zone.devices) {
        const fx = d.effects;
        for (const m of fx.maintenance) {
          if (m.end <= now) {
            d.firmware = m.firmware;
            d.configHash = m.configHash;
          }
        }
        for (const c of fx.configChange) if (c.tagUntil <= now) d.configHash = c.configHash;
        fx.configChange = fx.configChange.filter((c) => c.tagUntil > now);
        fx.maintenance = live(fx.maintenance);
        fx.silent = live(fx.silent);
        fx.degrade = live(fx.degrade);
        fx.bypass = live(fx.bypass);
      }
    }
  }
  world.maintenance = world.maintenance.filter((m) => Date.parse(m.end) > now - 86_400_000);
}

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(t);
      resolve();
    };
    // The listener goes when the timer fires, or one would pile up per batch.
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Yields batches of events as (accelerated) time passes, forever or until `signal`
 * aborts. The first scenario starts one simulated minute after `firstAttackAfterSeconds`.
 */
export async function* liveFeed(options: LiveFeedOptions = {}): AsyncGenerator<LiveBatch> {
  const seed = options.seed ?? 1;
  const speedup = options.speedup ?? 60;
  const batchMs = options.batchMs ?? 250;
  const liveStart = Math.round(options.startMs ?? Date.now());
  const simStart = liveStart - Math.round((options.backfillHours ?? 0) * 3_600_000);
  const names = options.scenarios ?? SCENARIOS.map((s) => s.name);
  const run = prepare(
    seed,
    options.size ?? 'small',
    simStart,
    Infinity,
    [],
    options.tagScenarioEvents ?? false,
  );
  const everyMs = (options.attackEveryMinutes ?? 1) * MINUTE * speedup;
  run.heap.push(
    new Scheduler(seed, names, everyMs, liveStart + (options.firstAttackAfterSeconds ?? 20) * 1000 * speedup),
  );
  const ctx = run.emitter;
  const take = (simTime: number): LiveBatch => {
    const batch = { events: ctx.out.slice(), labels: ctx.labels.slice(), simTime };
    ctx.out.length = 0;
    ctx.labels.length = 0;
    return batch;
  };
  // History first, as fast as the consumer takes it.
  for (let t = simStart; t < liveStart && options.signal?.aborted !== true;) {
    stepUntil(run.heap, ctx, liveStart, 5000);
    t = run.heap.peek()?.next ?? liveStart;
    if (ctx.out.length > 0) yield take(Math.min(t, liveStart));
  }
  const wallStart = Date.now();
  while (options.signal?.aborted !== true) {
    const simNow = liveStart + (Date.now() - wallStart) * speedup;
    stepUntil(run.heap, ctx, simNow, Infinity);
    if (ctx.out.length > 0 || ctx.labels.length > 0) yield take(simNow);
    await sleep(batchMs, options.signal);
  }
}
