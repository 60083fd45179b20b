/**
 * facility.silence — a UPS or cooling unit stops reporting: silent for more than
 * `missed_intervals` of its own learned reporting interval (and at least
 * `min_silence_minutes`), judged on event time — the partition's watermark, never the
 * wall clock — so `vigil replay` raises the same alerts as the live run. When every
 * device of a zone goes quiet together, that is one alert on the zone, not one per device.
 *
 * Statistic: per device, exponentially weighted mean and mean absolute deviation of its
 * reporting interval (gaps clipped at 3× the mean, so an outage does not teach the device
 * to be slow); a device is overdue once `watermark − last report` exceeds
 * max(k × interval, interval + z × 1.25 × deviation, min silence) — k intervals for regular
 * reporters, far in the tail for irregular ones. A device whose
 * zone-mates have not reported since it went quiet is held until they either report (then
 * the device alone is silent) or turn overdue too (then the zone is). Facility events are
 * partitioned by site/zone, so a zone's devices all sit in one partition.
 * Assumptions: devices report on a roughly fixed cadence; event time advances only when
 * the partition receives events, so a partition whose every zone goes quiet is judged when
 * any report arrives again.
 * State: `zones` — per zone, its devices' last report, interval, count and status
 * (≈ 70 bytes per device); `index` — one value per partition, each zone's earliest
 * deadline, so the per-event check is one comparison and zones are scanned only when a
 * deadline passed. Cost per event: two map reads and a few arithmetic operations.
 */
import { z } from 'zod';
import type { FacilityEvent } from '../../../shared/events/types.ts';
import {
  defineDetector,
  type Detector,
  type DetectorContext,
  type Finding,
} from '../../../shared/pipeline/detector.ts';
import type { DetectorEnvironment } from '../../../shared/pipeline/environment.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { deviceSilenceFinding, zoneSilenceFinding } from './silence-finding.ts';
import type { Device, Index, Zone } from './silence-state.ts';
import { zoneCache, type ZoneCache } from './zones.ts';

/** Status of a device: reporting, overdue and held for the zone verdict, or alerted. */
const OK = 0;
const HELD = 1;
const ALERTED = 2;

interface SilenceConfig {
  missed_intervals: number;
  spread_factor: number;
  min_silence_minutes: number;
  min_reports: number;
  max_devices_per_zone: number;
  forget_after_hours: number;
}

const INDEX_KEY = 'partition';
const ALPHA = 0.02;
/** Standard deviation per mean absolute deviation, for a normal spread. */
const MAD_TO_SD = 1.25;
const MINUTE = 60_000;
/** No deadline (JSON has no Infinity, and state goes through JSON). */
const NEVER = Number.MAX_SAFE_INTEGER;

class SilenceDetector implements Detector<FacilityEvent> {
  private readonly zones: KeyedState<Zone>;
  private readonly index: KeyedState<Index>;
  private readonly minSilenceMs: number;
  private readonly forgetMs: number;
  private readonly zoneInfo: ZoneCache;
  private readonly found: Finding[] = [];

  constructor(
    private readonly config: SilenceConfig,
    state: DetectorState,
    private readonly env: DetectorEnvironment,
  ) {
    this.zones = state.keyed('zones');
    this.index = state.keyed('index', { pinned: true });
    this.minSilenceMs = config.min_silence_minutes * MINUTE;
    this.forgetMs = config.forget_after_hours * 3_600_000;
    this.zoneInfo = zoneCache(env);
  }

  update(event: FacilityEvent, ctx: DetectorContext): Finding | null {
    // Deadlines first, with the event's own device not yet updated: a zone that was
    // entirely quiet and now reports again is still seen as one quiet zone.
    const idx = this.index.peek(INDEX_KEY);
    if (idx !== undefined && ctx.watermark >= idx.nx) this.scan(ctx.watermark);
    if (event.kind !== 'badge') this.report(event);
    if (this.found.length === 0) return null;
    const first = this.found.shift()!;
    for (const f of this.found.splice(0)) ctx.emit(f);
    return first;
  }

  /** When `d` is overdue: k intervals, or far in the tail of an irregular cadence. */
  private deadline(d: Device): number {
    const k = this.config.missed_intervals * d.i;
    const spread = d.i + this.config.spread_factor * MAD_TO_SD * d.a;
    return d.l + Math.max(k, spread, this.minSilenceMs);
  }

  private report(event: Exclude<FacilityEvent, { kind: 'badge' }>): void {
    const key = `${event.site}/${event.zone}`;
    let zone = this.zones.get(key);
    if (zone === undefined) this.zones.put(key, (zone = { d: {} }));
    const d = zone.d[event.device_id];
    if (d === undefined) {
      if (Object.keys(zone.d).length >= this.config.max_devices_per_zone) return;
      zone.d[event.device_id] = { l: event.ts, i: 0, a: 0, n: 1, e: event.event_id, s: OK };
      return;
    }
    const dt = event.ts - d.l;
    if (dt <= 0) return; // a late or duplicate report teaches nothing
    if (d.n < this.config.min_reports) {
      if (d.n > 1) d.a = Math.round(d.a + (Math.abs(dt - d.i) - d.a) / (d.n - 1));
      d.i = Math.round(d.i + (dt - d.i) / d.n);
      d.n++;
      if (d.n === this.config.min_reports) {
        d.l = event.ts;
        d.e = event.event_id;
        this.lower(key, this.deadline(d));
        return;
      }
    } else {
      // Whole milliseconds: the value is written to the changelog on every batch.
      const gap = Math.min(dt, 3 * d.i);
      d.a = Math.round(d.a + ALPHA * (Math.abs(gap - d.i) - d.a));
      d.i = Math.round(d.i + ALPHA * (gap - d.i));
    }
    d.l = event.ts;
    d.e = event.event_id;
    if (d.s !== OK) {
      d.s = OK;
      this.lower(key, this.deadline(d));
    }
  }

  /** A zone's deadline may only move earlier outside a scan. */
  private lower(key: string, deadline: number): void {
    const idx = this.index.getOrCreate(INDEX_KEY, () => ({ z: {}, nx: NEVER }));
    const current = idx.z[key];
    if (current === undefined || deadline < current) idx.z[key] = deadline;
    if (deadline < idx.nx) idx.nx = deadline;
  }

  private scan(watermark: number): void {
    const idx = this.index.get(INDEX_KEY)!;
    let next = NEVER;
    for (const [key, deadline] of Object.entries(idx.z)) {
      let d: number | undefined = deadline;
      if (deadline <= watermark) {
        d = this.evaluate(key, watermark);
        if (d === undefined) {
          delete idx.z[key];
          continue;
        }
        idx.z[key] = d;
      }
      if (d < next) next = d;
    }
    idx.nx = next;
  }

  /** Judges one zone at `watermark`; returns its next deadline (undefined: forget the zone). */
  private evaluate(key: string, watermark: number): number | undefined {
    const zone = this.zones.get(key);
    if (zone === undefined) return undefined;
    const learned: Array<[string, Device]> = [];
    for (const [id, d] of Object.entries(zone.d)) {
      if (d.s === ALERTED && watermark - d.l > this.forgetMs) delete zone.d[id];
      else if (d.n >= this.config.min_reports) learned.push([id, d]);
    }
    if (Object.keys(zone.d).length === 0) {
      this.zones.delete(key);
      return undefined;
    }
    const active = learned.filter(([, d]) => d.s !== ALERTED);
    const overdue = active.filter(([, d]) => watermark > this.deadline(d));
    const talking = active.filter(([, d]) => watermark <= this.deadline(d));
    let held = false;
    if (overdue.length > 0 && talking.length === 0 && learned.length >= 2) {
      // Nobody in the zone reports any more: one alert on the zone.
      const at = Math.min(watermark, Math.max(...active.map(([, d]) => this.deadline(d))));
      this.found.push(zoneSilenceFinding(this.config, this.zoneInfo, this.env, key, learned, active, at));
      for (const [, d] of active) d.s = ALERTED;
    } else {
      for (const [id, d] of overdue) {
        // Alone when a zone-mate reported after this device missed its next report;
        // otherwise wait for the zone-mates to report (device) or fall silent too (zone).
        if (talking.length === 0 || talking.some(([, o]) => o.l > d.l + 1.5 * d.i)) {
          this.found.push(
            deviceSilenceFinding(this.config, this.zoneInfo, this.env, key, id, d, this.deadline(d)),
          );
          d.s = ALERTED;
        } else {
          d.s = HELD;
          held = true;
        }
      }
    }
    let next = NEVER;
    let fastest = NEVER;
    for (const [, d] of learned) {
      if (d.s === ALERTED) continue;
      if (d.s === OK) next = Math.min(next, this.deadline(d));
      fastest = Math.min(fastest, d.i);
    }
    // Held devices wait for a zone-mate's report or deadline: look again after one interval.
    if (held) next = Math.min(next, watermark + Math.max(fastest, MINUTE));
    return next;
  }
}

export const facilitySilenceConfig = {
  min_severity: z
    .enum(['info', 'low', 'medium', 'high', 'critical'])
    .default('low')
    .describe('Findings below this severity are dropped (silence inside a maintenance window is info).'),
  missed_intervals: z
    .number()
    .gt(1)
    .default(5)
    .describe('A device is silent after this many of its own learned reporting intervals without a report.'),
  spread_factor: z
    .number()
    .min(0)
    .default(12)
    .describe(
      'For irregular reporters: silent only past the mean interval plus this many standard deviations of it (estimated from the mean absolute deviation); 12 puts a Poisson reporter at about 5e-6 false silences per report.',
    ),
  min_silence_minutes: z
    .number()
    .min(0)
    .default(10)
    .describe('…and at least this many event-time minutes, so fast devices do not alert on a short hiccup.'),
  min_reports: z
    .number()
    .int()
    .min(2)
    .default(20)
    .describe('Reports a device must have sent before its interval is trusted and it can be judged silent.'),
  max_devices_per_zone: z
    .number()
    .int()
    .min(1)
    .default(512)
    .describe('Devices tracked per zone (bounds the state); further devices are not watched.'),
  forget_after_hours: z
    .number()
    .min(0)
    .default(72)
    .describe('A device silent (and alerted) for this long is forgotten: it was decommissioned.'),
};

export const facilitySilence = defineDetector({
  id: 'facility.silence',
  eventType: 'facility',
  category: 'facility',
  description:
    'A device stops reporting for several of its own learned intervals (event time); a whole quiet zone is one alert.',
  config: facilitySilenceConfig,
  create: (config, state, env) => new SilenceDetector(config, state, env),
});
