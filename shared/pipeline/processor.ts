/**
 * Runs the detectors of one event type over batches of validated events — the unit of
 * state for one input partition (or for a whole replay). Per event it only calls
 * `detector.update`; alert identity and suppression are the tracker's, timing is per
 * batch per detector. State (detectors + open episodes) snapshots as one JSON value.
 */
import { SEVERITIES, type Alert, type VigilEvent } from '../events/types.ts';
import { AlertTracker, type DetectorIdentity, type TrackerState } from './alert-tracker.ts';
import type { Detector, Finding } from './detector.ts';
import type { ResolvedDetector } from './registry.ts';

export interface ProcessorState {
  version: 1;
  /** Highest event time seen, epoch ms. */
  watermarkMs: number;
  /** Event time of the first event seen, epoch ms (0 before any); starts learning periods. */
  firstEventMs: number;
  detectors: Record<string, unknown>;
  tracker: TrackerState;
}

export interface DetectorFailure {
  detector: string;
  eventId: string;
  error: unknown;
}

interface Active {
  identity: DetectorIdentity;
  minSeverity: number;
  learningMs: number;
  instance: Detector<VigilEvent, unknown>;
  /** Seconds spent in update() since the last drainTimings(). */
  seconds: number;
}

/** Episodes are checked for expiry once event time has moved this far. */
const EXPIRE_EVERY_MS = 60_000;

export class Processor {
  private active: Active[] = [];
  private readonly tracker = new AlertTracker();
  private readonly suppressionMs = new Map<string, number>();
  private readonly ctx = { eventTime: 0 };
  private watermarkMs = 0;
  private firstEventMs = 0;
  private lastExpiryMs = 0;

  constructor(detectors: readonly ResolvedDetector[]) {
    for (const d of detectors) if (d.config.enabled) this.active.push(this.activate(d));
  }

  private activate({ definition, config }: ResolvedDetector): Active {
    const identity = {
      id: definition.id,
      category: definition.category,
      suppressionMs: config.suppression_minutes * 60_000,
    };
    this.suppressionMs.set(definition.id, identity.suppressionMs);
    return {
      identity,
      minSeverity: SEVERITIES.indexOf(config.min_severity),
      learningMs: config.learning_minutes * 60_000,
      instance: definition.create(config) as Detector<VigilEvent, unknown>,
      seconds: 0,
    };
  }

  /**
   * Applies a new config section to one detector while it runs: the new instance takes
   * over the old one's state (thresholds change, baselines stay); disabling drops it.
   * Returns false when the old state could not be carried over (the detector starts fresh).
   */
  reconfigure(detector: ResolvedDetector): boolean {
    const id = detector.definition.id;
    const index = this.active.findIndex((a) => a.identity.id === id);
    const previous = index >= 0 ? this.active[index] : undefined;
    if (!detector.config.enabled) {
      if (previous !== undefined) this.active.splice(index, 1);
      return true;
    }
    const next = this.activate(detector);
    let carried = true;
    if (previous !== undefined) {
      try {
        next.instance.restore(JSON.parse(JSON.stringify(previous.instance.snapshot())));
      } catch {
        next.instance = detector.definition.create(detector.config) as Detector<VigilEvent, unknown>;
        carried = false;
      }
      this.active[index] = next;
    } else {
      this.active.push(next);
    }
    return carried;
  }

  get detectorIds(): string[] {
    return this.active.map((a) => a.identity.id);
  }

  /**
   * Feeds `events` to every detector; alerts created or updated are put in `changed`
   * (by id, final state of the batch). Detector exceptions skip that event for that
   * detector and are reported through `failures`.
   */
  process(
    events: readonly VigilEvent[],
    detectedAtMs: number,
    changed: Map<string, Alert>,
    failures?: DetectorFailure[],
  ): void {
    const ctx = this.ctx;
    if (this.firstEventMs === 0 && events.length > 0) this.firstEventMs = (events[0] as VigilEvent).ts;
    for (const active of this.active) {
      const started = process.hrtime.bigint();
      const instance = active.instance;
      const learnUntil = this.firstEventMs + active.learningMs;
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as VigilEvent;
        ctx.eventTime = event.ts;
        let finding: Finding | null;
        try {
          finding = instance.update(event, ctx);
        } catch (error) {
          failures?.push({ detector: active.identity.id, eventId: event.event_id, error });
          continue;
        }
        if (finding === null || SEVERITIES.indexOf(finding.severity) < active.minSeverity) continue;
        if (event.ts < learnUntil) continue;
        const alert = this.tracker.apply(active.identity, finding, event, detectedAtMs);
        changed.set(alert.alert_id, alert);
      }
      active.seconds += Number(process.hrtime.bigint() - started) / 1e9;
    }
    for (let i = 0; i < events.length; i++) {
      const ts = (events[i] as VigilEvent).ts;
      if (ts > this.watermarkMs) this.watermarkMs = ts;
    }
    if (this.watermarkMs - this.lastExpiryMs >= EXPIRE_EVERY_MS) {
      this.lastExpiryMs = this.watermarkMs;
      this.tracker.expire(this.watermarkMs, (id) => this.suppressionMs.get(id) ?? 0);
    }
  }

  /** Seconds each detector spent since the previous call. */
  drainTimings(): Array<[string, number]> {
    return this.active.map((a) => {
      const s = a.seconds;
      a.seconds = 0;
      return [a.identity.id, s];
    });
  }

  snapshot(): ProcessorState {
    const detectors: Record<string, unknown> = {};
    for (const a of this.active) detectors[a.identity.id] = a.instance.snapshot();
    return {
      version: 1,
      watermarkMs: this.watermarkMs,
      firstEventMs: this.firstEventMs,
      detectors,
      tracker: this.tracker.snapshot(),
    };
  }

  /** Restores what it can; returns ids of detectors whose state could not be restored. */
  restore(state: ProcessorState): string[] {
    const failed: string[] = [];
    this.watermarkMs = state.watermarkMs;
    this.firstEventMs = state.firstEventMs ?? 0;
    this.lastExpiryMs = state.watermarkMs;
    this.tracker.restore(state.tracker);
    for (const a of this.active) {
      const s = state.detectors[a.identity.id];
      if (s === undefined) continue;
      try {
        a.instance.restore(s);
      } catch {
        failed.push(a.identity.id);
      }
    }
    return failed;
  }
}
