/**
 * cyber_physical.correlation — a physical intrusion sign in a zone followed, within
 * `window_minutes`, by a facility anomaly in the same zone: one critical alert whose
 * evidence is the timeline of both, `related` naming the parts' alerts.
 *
 * Physical signs: a `physical.badge` alert of the zone's part — a forced door, a denied
 * burst, a restricted entry out of hours — and, from the events themselves, a door that
 * denied a presentation and then granted one within `denied_then_granted_minutes` (a
 * borrowed or tailgated entry; alone it is routine, a mistyped PIN). Facility anomalies:
 * alerts of `facility.state` (state, firmware or config change), `facility.metric` and
 * `facility.silence` on a device of the zone. Both halves are facility events, keyed by
 * site/zone, so they meet in the zone's partition; the detector sees the other detectors'
 * alerts there in event order (`onAlert`).
 *
 * Statistic: a sequence rule — sign at t₀, anomaly at t₁ with 0 ≤ t₁ − t₀ ≤ window. Each
 * new facility part joins the zone's one correlation episode; a facility part before the
 * sign does not count (the sign must come first).
 * State: per zone (`zones`), the signs of the last window (≤ 16) and the parts already
 * cited (≤ 32), ≈ 1 KB at most. Per door, the last denial (`denials`, ≈ 40 bytes).
 * Cost per event: one map read for badge events, nothing for others.
 */
import { z } from 'zod';
import type { Alert, FacilityEvent } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { zoneOfAlert } from './zones.ts';

const MINUTE = 60_000;
const MAX_SIGNS = 16;
const MAX_CITED = 32;

interface Sign {
  /** Event time, ms. */
  t: number;
  /** forced, denied_burst, restricted_off_hours, denied_then_granted… */
  k: string;
  /** The part alert's id ('' for a sign read from events). */
  a: string;
  title: string;
  /** Evidence event ids. */
  e: string[];
}

interface Part {
  t: number;
  a: string;
  detector: string;
  title: string;
  severity: string;
}

interface ZoneState {
  signs: Sign[];
  /** Facility parts cited so far (kept for the timeline). */
  parts: Part[];
  techniques: string[];
}

interface CorrelationConfig {
  window_minutes: number;
  denied_then_granted_minutes: number;
  sign_kinds: string[];
  facility_detectors: string[];
}

const FACILITY_LABEL: Readonly<Record<string, string>> = {
  'facility.state': 'state/config change',
  'facility.metric': 'metric anomaly',
  'facility.silence': 'device silence',
};

class CorrelationDetector implements Detector<FacilityEvent> {
  private readonly zones: KeyedState<ZoneState>;
  private readonly denials: KeyedState<[number, string]>;
  private readonly windowMs: number;
  private readonly dtgMs: number;
  private readonly signKinds: ReadonlySet<string>;
  private readonly facility: ReadonlySet<string>;

  constructor(
    private readonly config: CorrelationConfig,
    state: DetectorState,
  ) {
    this.windowMs = config.window_minutes * MINUTE;
    this.dtgMs = config.denied_then_granted_minutes * MINUTE;
    this.zones = state.keyed('zones', { idleTtlMs: Math.max(this.windowMs * 4, 86_400_000) });
    this.denials = state.keyed('denials', { idleTtlMs: Math.max(this.dtgMs * 4, 3_600_000) });
    this.signKinds = new Set(config.sign_kinds);
    this.facility = new Set(config.facility_detectors);
  }

  update(event: FacilityEvent): Finding | null {
    if (event.kind !== 'badge' || !this.signKinds.has('denied_then_granted')) return null;
    if (event.result === 'denied') {
      this.denials.put(event.door_id, [event.ts, event.event_id]);
    } else if (event.result === 'granted') {
      const last = this.denials.peek(event.door_id);
      if (last === undefined) return null;
      this.denials.delete(event.door_id);
      if (event.ts - last[0] > this.dtgMs || event.ts < last[0]) return null;
      this.addSign(`${event.site}/${event.zone}`, {
        t: event.ts,
        k: 'denied_then_granted',
        a: '',
        title: `Door ${event.door_id}: denied, then granted to badge ${event.badge_id} ${((event.ts - last[0]) / 1000).toFixed(0)} s later`,
        e: [last[1], event.event_id],
      });
    }
    return null;
  }

  onAlert(alert: Readonly<Alert>): Finding | null {
    const zone = zoneOfAlert(alert);
    if (zone === undefined) return null;
    const t = Date.parse(alert.first_seen);
    if (alert.detector === 'physical.badge') {
      const kind = String(alert.evidence['kind'] ?? '');
      if (!this.signKinds.has(kind)) return null;
      const z = this.zones.peek(zone);
      if (z?.signs.some((s) => s.a === alert.alert_id)) return null;
      this.addSign(zone, {
        t,
        k: kind,
        a: alert.alert_id,
        title: alert.title,
        e: alert.evidence.sample_event_ids.slice(0, 5),
      });
      return null;
    }
    if (!this.facility.has(alert.detector)) return null;
    const z = this.zones.peek(zone);
    if (z === undefined || z.parts.some((p) => p.a === alert.alert_id)) return null;
    const signs = z.signs.filter((s) => s.t <= t && t - s.t <= this.windowMs);
    if (signs.length === 0) return null;
    const w = this.zones.get(zone)!;
    w.parts.push({
      t,
      a: alert.alert_id,
      detector: alert.detector,
      title: alert.title,
      severity: alert.severity,
    });
    if (w.parts.length > MAX_CITED) w.parts.shift();
    for (const tech of alert.techniques) if (!w.techniques.includes(tech)) w.techniques.push(tech);
    return this.finding(zone, signs, w, alert);
  }

  private addSign(zone: string, sign: Sign): void {
    const z = this.zones.getOrCreate(zone, () => ({ signs: [], parts: [], techniques: [] }));
    z.signs = z.signs.filter((s) => sign.t - s.t <= this.windowMs);
    z.signs.push(sign);
    if (z.signs.length > MAX_SIGNS) z.signs.shift();
    // Parts older than the window no longer belong to a live episode.
    z.parts = z.parts.filter((p) => sign.t - p.t <= this.windowMs * 2);
  }

  private finding(zone: string, signs: Sign[], z: ZoneState, alert: Readonly<Alert>): Finding {
    const first = signs[0]!;
    const t = Date.parse(alert.first_seen);
    const lagMin = (t - first.t) / MINUTE;
    const parts = z.parts.filter((p) => p.t >= first.t);
    const timeline = [
      ...signs.map((s) => ({
        at: new Date(s.t).toISOString(),
        half: 'physical',
        kind: s.k,
        alert_id: s.a || null,
        title: s.title,
      })),
      ...parts.map((p) => ({
        at: new Date(p.t).toISOString(),
        half: 'facility',
        kind: FACILITY_LABEL[p.detector] ?? p.detector,
        alert_id: p.a,
        title: p.title,
      })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    const related = [...signs.map((s) => s.a).filter((a) => a !== ''), ...parts.map((p) => p.a)];
    const samples = signs.flatMap((s) => s.e).slice(0, 10);
    return {
      entity: { type: 'zone', id: zone },
      severity: 'critical',
      score: Math.min(100, 90 + 2 * parts.length),
      title: `Cyber-physical intrusion in ${zone}: ${first.k.replaceAll('_', ' ')} then ${FACILITY_LABEL[alert.detector] ?? alert.detector}`,
      description:
        `In zone ${zone}, ${first.title.charAt(0).toLowerCase()}${first.title.slice(1)} at ${new Date(first.t).toISOString()} ` +
        `was followed ${lagMin.toFixed(1)} min later by ${alert.title.charAt(0).toLowerCase()}${alert.title.slice(1)}, ` +
        `within the ${this.config.window_minutes}-min window (${parts.length} facility part${parts.length === 1 ? '' : 's'} so far).`,
      explanation: {
        statistic: 'physical sign followed by a facility anomaly in the same zone',
        observed: Math.round(lagMin * 10) / 10,
        expected: 'no facility anomaly after a physical intrusion sign',
        threshold: this.config.window_minutes,
        window: `${this.config.window_minutes} min after the physical sign`,
        unit: 'minutes from the first sign to the facility anomaly',
        site: zone.slice(0, zone.indexOf('/')),
        zone: zone.slice(zone.indexOf('/') + 1),
        timeline,
      },
      techniques: z.techniques,
      episodeKey: 'intrusion',
      related,
      at: t,
      sampleEventIds: samples.length > 0 ? samples : alert.evidence.sample_event_ids.slice(0, 5),
    };
  }
}

export const cyberPhysicalConfig = {
  window_minutes: z
    .number()
    .gt(0)
    .default(60)
    .describe(
      'A facility anomaly this many event-time minutes after a physical sign in its zone correlates.',
    ),
  denied_then_granted_minutes: z
    .number()
    .min(0)
    .default(5)
    .describe('A door that denies and then grants within this many minutes counts as a physical sign.'),
  sign_kinds: z
    .array(z.enum(['forced', 'held_open', 'denied_burst', 'restricted_off_hours', 'denied_then_granted']))
    .default(['forced', 'denied_burst', 'restricted_off_hours', 'denied_then_granted'])
    .describe('Physical signs that open the window.'),
  facility_detectors: z
    .array(z.enum(['facility.state', 'facility.metric', 'facility.silence']))
    .default(['facility.state', 'facility.metric', 'facility.silence'])
    .describe('Detectors whose alerts in the zone count as the facility half.'),
};

export const cyberPhysicalCorrelation = defineDetector({
  id: 'cyber_physical.correlation',
  eventType: 'facility',
  category: 'cyber_physical',
  description:
    'A physical intrusion sign in a zone followed by a UPS / cooling anomaly in that zone within a window: one critical alert.',
  config: cyberPhysicalConfig,
  create: (config, state) => new CorrelationDetector(config, state),
});
