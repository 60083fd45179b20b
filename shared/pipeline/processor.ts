/**
 * Runs the detectors of one event type over batches of validated events — the unit of
 * state for one input partition (or one mirrored partition of a replay). Per event it
 * calls `detector.update` and turns findings into alerts; all state (the detectors'
 * stores, open episodes, the partition's event time) is keyed state in one
 * PartitionState, which the caller drains into the changelog after each batch.
 *
 * Determinism: nothing depends on where batches begin or end. Event time per event is
 * computed first; late events (older than the watermark by more than the allowed
 * lateness) are set aside; correlating detectors see other detectors' alerts merged
 * into the event sequence at the event that caused them (correlate-pass.ts).
 */
import { VigilError } from '../errors.ts';
import { SEVERITIES, type Alert, type VigilEvent } from '../events/types.ts';
import { applyFinding, type DetectorIdentity, type Episode, type FindingOrigin } from './alert-tracker.ts';
import { CorrelatingPass, type RaisedAlert } from './correlate-pass.ts';
import type { Detector, DetectorContext, Finding } from './detector.ts';
import { EMPTY_ENVIRONMENT, type DetectorEnvironment } from './environment.ts';
import type { KeyedStore, StateRecord } from './keyed-store.ts';
import { PartitionState, type StateBudget } from './partition-state.ts';
import type { ResolvedDetector } from './registry.ts';
import { RuleBook, RuleCounts, type DetectorRules, type RuleCount } from './rules.ts';

export interface DetectorFailure {
  detector: string;
  eventId: string;
  error: unknown;
}

export interface ProcessorOptions {
  budget?: StateBudget;
  /** Calendars and sites for detectors (default: none declared). */
  environment?: DetectorEnvironment;
  /** Events older than the partition's watermark by more than this are late (default: never). */
  allowedLatenessMs?: number;
  /** Scoped rules (shared, swappable at run time; default: none). */
  rules?: RuleBook;
}

export interface Active {
  definition: ResolvedDetector['definition'];
  identity: DetectorIdentity;
  minSeverity: number;
  learningMs: number;
  instance: Detector<VigilEvent>;
  episodes: KeyedStore<Episode>;
  rules: DetectorRules;
  /** Seconds spent in this detector since the last drainTimings(). */
  seconds: number;
}

export interface PartitionMeta {
  watermarkMs: number;
  /** Event time of the first event seen; starts learning periods. */
  firstEventMs: number;
}

/** The pipeline's own stores; `OFFSET_STORE` holds the input offset the state reflects. */
export const META_STORE = '_pipeline/meta';
export const OFFSET_STORE = '_pipeline/offset';
/** Events per block that every detector runs over before the next block (fits in cache). */
const BLOCK = 256;

export class Processor extends CorrelatingPass {
  readonly state: PartitionState;
  protected override active: Active[] = [];
  private readonly meta: KeyedStore<PartitionMeta>;
  private readonly offset: KeyedStore<string>;
  private readonly allowedLatenessMs: number;
  private readonly environment: DetectorEnvironment;
  private readonly rules: RuleBook;
  private rulesVersion: number;
  private readonly ruleCounts = new RuleCounts();
  protected override readonly pending: Finding[] = [];
  protected override readonly ctx: DetectorContext & { eventTime: number; watermark: number };

  constructor(detectors: readonly ResolvedDetector[], options: ProcessorOptions = {}) {
    super();
    this.state = new PartitionState(options.budget);
    this.allowedLatenessMs = options.allowedLatenessMs ?? Number.POSITIVE_INFINITY;
    this.environment = options.environment ?? EMPTY_ENVIRONMENT;
    this.rules = options.rules ?? new RuleBook();
    this.rulesVersion = this.rules.version;
    const forever = { pinned: true, idleTtlMs: Number.POSITIVE_INFINITY };
    this.meta = this.state.store<PartitionMeta>(META_STORE, forever);
    this.offset = this.state.store<string>(OFFSET_STORE, forever);
    const pending = this.pending;
    this.ctx = { eventTime: 0, watermark: 0, emit: (f) => void pending.push(f) };
    for (const d of detectors) if (d.config.enabled) this.active.push(this.activate(d));
  }

  private activate({ definition, config }: ResolvedDetector): Active {
    const identity = {
      id: definition.id,
      category: definition.category,
      suppressionMs: config.suppression_minutes * 60_000,
    };
    return {
      definition,
      identity,
      minSeverity: SEVERITIES.indexOf(config.min_severity),
      learningMs: config.learning_minutes * 60_000,
      instance: definition.create(
        config,
        this.state.namespace(definition.id),
        this.environment,
      ) as Detector<VigilEvent>,
      // An episode can still grow until its window has passed the watermark by the lateness.
      episodes: this.state.store<Episode>(`${definition.id}/_episodes`, {
        pinned: true,
        idleTtlMs: identity.suppressionMs + Math.min(this.allowedLatenessMs, 7 * 86_400_000),
      }),
      rules: this.rules.forDetector(definition.id, this.ruleCounts),
      seconds: 0,
    };
  }

  /**
   * Applies a new config section to one detector while it runs: the new instance reads
   * the old one's stores (thresholds change, baselines stay); disabling drops the
   * instance but keeps its state, so re-enabling resumes it.
   */
  reconfigure(detector: ResolvedDetector): void {
    const index = this.active.findIndex((a) => a.definition === detector.definition);
    if (!detector.config.enabled) {
      if (index >= 0) this.active.splice(index, 1);
      return;
    }
    const next = this.activate(detector);
    if (index >= 0) this.active[index] = next;
    else this.active.push(next);
  }

  get detectorIds(): string[] {
    return this.active.map((a) => a.identity.id);
  }

  get watermarkMs(): number {
    return this.meta.peek('partition')?.watermarkMs ?? 0;
  }

  /** Input offset (as a decimal string) of the next event the state has not seen. */
  get nextOffset(): string | undefined {
    return this.offset.peek('next');
  }

  set nextOffset(offset: string) {
    this.offset.put('next', offset);
  }

  /**
   * Feeds `events` to every detector; alerts created or updated are put in `changed`
   * (by id, final state of the batch), late events in `late`. Detector exceptions skip
   * that event for that detector and are reported through `failures`; a corrupt state
   * record (VGL_ERR_STATE_CORRUPT) is thrown: the partition cannot go on.
   */
  process(
    events: readonly VigilEvent[],
    detectedAtMs: number,
    changed: Map<string, Alert>,
    failures?: DetectorFailure[],
    late?: VigilEvent[],
  ): void {
    this.state.beginBatch();
    if (this.rulesVersion !== this.rules.version) this.bindRules();
    // Built field by field: one object shape whatever the stored value's (restored JSON's
    // key order differs), so the optimised loop below is not thrown away between batches.
    const stored = this.meta.peek('partition');
    const meta: PartitionMeta = {
      watermarkMs: stored?.watermarkMs ?? 0,
      firstEventMs: stored?.firstEventMs ?? 0,
    };
    const accepted: VigilEvent[] = [];
    const marks: number[] = [];
    let wm = meta.watermarkMs;
    for (const event of events) {
      if (event.ts < wm - this.allowedLatenessMs) {
        late?.push(event);
        continue;
      }
      if (meta.firstEventMs === 0) meta.firstEventMs = event.ts;
      if (event.ts > wm) wm = event.ts;
      accepted.push(event);
      marks.push(wm);
    }
    if (accepted.length === 0) return;
    const correlating = this.correlating();
    const raised: RaisedAlert[] | undefined = correlating.length > 0 ? [] : undefined;

    // Events go through the detectors a block at a time, so a block's events are still in
    // cache for the next detector; each detector still sees every event in order. The
    // correlating detectors follow on the same block, once the others have raised on it.
    for (let from = 0; from < accepted.length; from += BLOCK) {
      const to = Math.min(accepted.length, from + BLOCK);
      if (raised !== undefined) raised.length = 0;
      for (const active of this.active) {
        if (active.instance.onAlert !== undefined) continue;
        const started = process.hrtime.bigint();
        this.run(active, accepted, marks, from, to, meta, detectedAtMs, changed, failures, raised);
        active.seconds += Number(process.hrtime.bigint() - started) / 1e9;
      }
      if (raised !== undefined)
        this.correlate(correlating, accepted, marks, from, to, raised, meta, detectedAtMs);
    }
    this.settle(correlating, changed, failures);

    meta.watermarkMs = wm;
    this.at(wm, wm);
    this.meta.put('partition', meta);
  }

  /** One detector over events [from, to): no closure per event, this loop is the hot path. */
  private run(
    active: Active,
    events: readonly VigilEvent[],
    marks: readonly number[],
    from: number,
    to: number,
    meta: PartitionMeta,
    detectedAtMs: number,
    changed: Map<string, Alert>,
    failures: DetectorFailure[] | undefined,
    raised: RaisedAlert[] | undefined,
  ): void {
    const instance = active.instance;
    const rules = active.rules;
    const ctx = this.ctx;
    for (let i = from; i < to; i++) {
      const event = events[i] as VigilEvent;
      if (rules.skipsLearning(event)) continue;
      this.at(event.ts, marks[i] as number);
      let finding: Finding | null;
      try {
        finding = instance.update(event, ctx);
      } catch (error) {
        finding = this.failed(active, event, error, failures);
      }
      if (finding !== null || this.pending.length > 0)
        this.raise(active, finding, event, meta, detectedAtMs, changed, raised, i);
    }
  }

  protected override at(eventTime: number, watermark: number): void {
    this.ctx.eventTime = eventTime;
    this.ctx.watermark = watermark;
    this.state.clock.eventTime = eventTime;
    this.state.clock.watermark = watermark;
  }

  /** A detector threw on `event`: the event is skipped for it, unless its state is corrupt. */
  protected override failed(
    active: Active,
    event: VigilEvent,
    error: unknown,
    failures: DetectorFailure[] | undefined,
  ): null {
    if (error instanceof VigilError && error.code === 'VGL_ERR_STATE_CORRUPT') throw error;
    this.pending.length = 0;
    failures?.push({ detector: active.identity.id, eventId: event.event_id, error });
    return null;
  }

  protected override raise(
    active: Active,
    finding: Finding | null,
    event: VigilEvent,
    meta: PartitionMeta,
    detectedAtMs: number,
    changed: Map<string, Alert>,
    raised: RaisedAlert[] | undefined,
    index: number,
  ): void {
    if (finding === null && this.pending.length === 0) return;
    const findings = finding === null ? this.pending.splice(0) : [finding, ...this.pending.splice(0)];
    const origin: FindingOrigin = { ts: event.ts, tenant: event.tenant, eventId: event.event_id };
    for (const found of findings) {
      if ((found.at ?? event.ts) < meta.firstEventMs + active.learningMs) continue;
      const f = active.rules.admit(found, event);
      if (f === null || SEVERITIES.indexOf(f.severity) < active.minSeverity) continue;
      const alert = applyFinding(active.episodes, active.identity, f, origin, detectedAtMs);
      changed.set(alert.alert_id, alert);
      raised?.push({ index, detector: active.identity.id, alert: structuredClone(alert) });
    }
  }

  /** Rules in the book changed: every detector gets its new rules, state untouched. */
  private bindRules(): void {
    this.rulesVersion = this.rules.version;
    for (const a of this.active) a.rules = this.rules.forDetector(a.identity.id, this.ruleCounts);
  }

  /** How often each rule skipped an event or suppressed or changed a finding since the previous call. */
  drainRuleCounts(): RuleCount[] {
    return this.ruleCounts.drain();
  }

  /** Seconds each detector spent since the previous call. */
  drainTimings(): Array<[string, number]> {
    return this.active.map((a) => {
      const s = a.seconds;
      a.seconds = 0;
      return [a.identity.id, s];
    });
  }

  /** Changelog records of everything the batches since the last call changed. */
  drain(): StateRecord[] {
    return this.state.drain();
  }

  /** After a commit: expires idle keys and evicts over budget. */
  compact(): { expired: number; evicted: number } {
    return this.state.compact();
  }

  /** Restores from changelog records (the latest per key, tombstones as null). */
  load(records: Iterable<StateRecord>): void {
    for (const r of records) this.state.load(r.key, r.value);
  }

  exportState(): StateRecord[] {
    return this.state.exportAll();
  }
}
