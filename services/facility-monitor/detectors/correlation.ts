/**
 * cyber_physical.correlation — a physical intrusion sign in a zone followed, within
 * `window_minutes`, by a facility anomaly in the same zone: one critical alert whose
 * evidence is the timeline of both, `related` naming the parts' alerts.
 *
 * Physical signs: a `physical.badge` alert of the zone's part — a forced door, a denied
 * burst, a restricted entry out of hours — and, from the events themselves, a door that
 * denied a presentation and then granted one within `denied_then_granted_minutes` (a
 * borrowed or tailgated entry; alone it is routine, a mistyped PIN). Facility anomalies:
 * alerts of `facility.state`, `facility.metric` and `facility.silence` on a device of the
 * zone, and — read from the events themselves — a UPS or cooling unit turning to an
 * abnormal state or reporting new firmware or configuration, even inside a maintenance
 * window (planned work excuses a change, not a forced door before it; facility.state then
 * raises no alert, so the change is cited by its event). Both halves are facility events,
 * keyed by site/zone, so they meet in the zone's partition; the detector sees the other
 * detectors' alerts there in event order (`onAlert`), right after the event's own update.
 *
 * Statistic: a sequence rule — sign at t₀, anomaly at t₁ with 0 ≤ t₁ − t₀ ≤ window. Each
 * new facility part joins the zone's one correlation episode; a facility part before the
 * sign does not count (the sign must come first).
 * State: per zone (`zones`), the signs of the last window (≤ 16) and the parts already
 * cited (≤ 32), ≈ 1 KB at most; per door, the last denial (`denials`, ≈ 40 bytes); per
 * device, its last state, firmware and config hash (`devices`, ≈ 90 bytes, written only
 * when they change and once a day). Cost per event: one map read and a few comparisons.
 */
import { z } from 'zod';
import type { Alert, CoolingEvent, FacilityEvent, UpsEvent } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import type { DetectorEnvironment } from '../../../shared/pipeline/environment.ts';
import { intrusionFinding } from './correlation-finding.ts';
import type { DeviceState, Part, Sign, ZoneState } from './correlation-state.ts';
import { maintenanceWindow, zoneCache, zoneOfAlert, type ZoneCache } from './zones.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const ABNORMAL: Readonly<Record<string, ReadonlySet<string>>> = {
  ups: new Set(['on_battery', 'bypass', 'fault', 'maintenance']),
  cooling: new Set(['fault']),
};
const MAX_SIGNS = 16;
const MAX_CITED = 32;

interface CorrelationConfig {
  window_minutes: number;
  denied_then_granted_minutes: number;
  sign_kinds: string[];
  facility_detectors: string[];
}

class CorrelationDetector implements Detector<FacilityEvent> {
  private readonly zones: KeyedState<ZoneState>;
  private readonly denials: KeyedState<[number, string]>;
  private readonly devices: KeyedState<DeviceState>;
  private readonly windowMs: number;
  private readonly dtgMs: number;
  private readonly signKinds: ReadonlySet<string>;
  private readonly facility: ReadonlySet<string>;

  private readonly zoneInfo: ZoneCache;

  constructor(
    private readonly config: CorrelationConfig,
    state: DetectorState,
    private readonly env: DetectorEnvironment,
  ) {
    this.zoneInfo = zoneCache(env);
    this.windowMs = config.window_minutes * MINUTE;
    this.dtgMs = config.denied_then_granted_minutes * MINUTE;
    this.zones = state.keyed('zones', { idleTtlMs: Math.max(this.windowMs * 4, DAY) });
    this.denials = state.keyed('denials', { idleTtlMs: Math.max(this.dtgMs * 4, 3_600_000) });
    this.devices = state.keyed('devices');
    this.signKinds = new Set(config.sign_kinds);
    this.facility = new Set(config.facility_detectors);
  }

  update(event: FacilityEvent): Finding | null {
    if (event.kind !== 'badge') return this.facility.has('facility.state') ? this.deviceChange(event) : null;
    if (!this.signKinds.has('denied_then_granted')) return null;
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

  /** A device turning abnormal or reporting new firmware / configuration, from its events. */
  private deviceChange(event: UpsEvent | CoolingEvent): Finding | null {
    const state = event.state ?? '';
    const fw = event.kind === 'ups' ? event.firmware : undefined;
    const ch = event.kind === 'ups' ? event.config_hash : undefined;
    const day = Math.floor(event.ts / DAY);
    const known = this.devices.peek(event.device_id);
    if (known === undefined) {
      const first: DeviceState = { s: state, day };
      if (fw !== undefined) first.fw = fw;
      if (ch !== undefined) first.ch = ch;
      this.devices.put(event.device_id, first);
      return null;
    }
    const stateChanged = state !== '' && state !== known.s;
    const abnormal = stateChanged && ABNORMAL[event.kind]!.has(state);
    const fwChanged = fw !== undefined && known.fw !== undefined && fw !== known.fw;
    const chChanged = ch !== undefined && known.ch !== undefined && ch !== known.ch;
    if (abnormal || fwChanged || chChanged || stateChanged || known.day !== day) {
      const d = this.devices.get(event.device_id)!;
      if (state !== '') d.s = state;
      if (fw !== undefined) d.fw = fw;
      if (ch !== undefined) d.ch = ch;
      d.day = day;
    }
    // Nearly every report changes nothing: it allocates nothing.
    if (!(abnormal || fwChanged || chChanged)) return null;
    const changes: string[] = [];
    if (abnormal) changes.push(`state:${state}`);
    if (fwChanged) changes.push('firmware');
    if (chChanged) changes.push('config_hash');
    const zone = `${event.site}/${event.zone}`;
    const z = this.zones.peek(zone);
    // In a declared maintenance window the crew explains a mistyped PIN, not a forced door.
    const planned = z !== undefined && maintenanceWindow(this.zoneInfo, this.env, event).inside;
    const signs =
      z?.signs.filter(
        (s) =>
          s.t <= event.ts && event.ts - s.t <= this.windowMs && !(planned && s.k === 'denied_then_granted'),
      ) ?? [];
    if (signs.length === 0) return null;
    const w = this.zones.get(zone)!;
    const what = event.kind === 'ups' ? 'UPS' : 'Cooling unit';
    const title = `${what} ${event.device_id} ${changes.map((c) => c.replace('state:', 'state ')).join(' and ')} changed`;
    for (const k of changes)
      this.cite(w, { t: event.ts, a: '', detector: 'facility.state', title, d: event.device_id, k });
    return intrusionFinding(this.config, zone, signs, w, {
      t: event.ts,
      detector: 'facility.state',
      title,
      samples: [event.event_id],
    });
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
    // The alert of a change already cited from its event: name it.
    const device = alert.evidence['device'];
    const kind = changeKind(alert);
    const seen = w.parts.find(
      (p) => p.a === '' && p.d === device && p.k === kind && Math.abs(p.t - t) <= MINUTE,
    );
    if (seen !== undefined) {
      seen.a = alert.alert_id;
      seen.title = alert.title;
    } else {
      this.cite(w, { t, a: alert.alert_id, detector: alert.detector, title: alert.title });
    }
    for (const tech of alert.techniques) if (!w.techniques.includes(tech)) w.techniques.push(tech);
    return intrusionFinding(this.config, zone, signs, w, {
      t,
      detector: alert.detector,
      title: alert.title,
      samples: alert.evidence.sample_event_ids.slice(0, 5),
    });
  }

  private cite(z: ZoneState, part: Part): void {
    z.parts.push(part);
    if (z.parts.length > MAX_CITED) z.parts.shift();
  }

  private addSign(zone: string, sign: Sign): void {
    const z = this.zones.getOrCreate(zone, () => ({ signs: [], parts: [], techniques: [] }));
    z.signs = z.signs.filter((s) => sign.t - s.t <= this.windowMs);
    z.signs.push(sign);
    if (z.signs.length > MAX_SIGNS) z.signs.shift();
    // Parts older than the window no longer belong to a live episode.
    z.parts = z.parts.filter((p) => sign.t - p.t <= this.windowMs * 2);
  }
}

/** The change a facility.state alert reports, in the words of `deviceChange`. */
function changeKind(alert: Readonly<Alert>): string | undefined {
  const statistic = alert.evidence.statistic;
  if (statistic.startsWith('config_hash')) return 'config_hash';
  if (statistic.startsWith('firmware')) return 'firmware';
  if (statistic === 'device state rule') return `state:${String(alert.evidence.observed)}`;
  return undefined;
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
  create: (config, state, env) => new CorrelationDetector(config, state, env),
});
