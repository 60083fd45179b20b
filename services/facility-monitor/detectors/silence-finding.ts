/**
 * facility.silence's findings: one device silent while its zone keeps reporting, or a
 * whole zone gone quiet. Each is dated to the deadline that passed, says how long the
 * silence lasted against the learned interval, and whether a maintenance window covers it
 * (then it is info).
 */
import type { Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorEnvironment } from '../../../shared/pipeline/environment.ts';
import { place, type Device } from './silence-state.ts';
import { maintenanceWindow, type ZoneCache } from './zones.ts';

const MINUTE = 60_000;

/** The thresholds of the section that the texts quote. */
interface Thresholds {
  missed_intervals: number;
  min_silence_minutes: number;
}

/** Device `id` of zone `key`, silent past its deadline `at`. */
export function deviceSilenceFinding(
  config: Thresholds,
  zones: ZoneCache,
  env: DetectorEnvironment,
  key: string,
  id: string,
  d: Device,
  at: number,
): Finding {
  const zone = place(key);
  const window = maintenanceWindow(zones, env, { site: zone.site, zone: zone.zone, ts: at });
  const thresholdMs = at - d.l;
  const silentMin = (at - d.l) / MINUTE;
  return {
    entity: { type: 'device', id },
    severity: window.inside ? 'info' : 'medium',
    score: window.inside ? 10 : 65,
    title: `Device ${id} stopped reporting`,
    description:
      `Device ${id} in ${zone.site}/${zone.zone} sent nothing for ${silentMin.toFixed(1)} min, ` +
      `${(thresholdMs / d.i).toFixed(1)}× its learned interval of ${seconds(d.i)}, while its zone kept reporting; ${window.sentence}.`,
    explanation: {
      statistic: 'silence in learned reporting intervals',
      observed: Math.round(silentMin * 10) / 10,
      expected: Math.round((d.i / MINUTE) * 100) / 100,
      threshold: `${config.missed_intervals} intervals, at least ${config.min_silence_minutes} min`,
      window: 'event time (partition watermark)',
      unit: 'minutes',
      last_report: new Date(d.l).toISOString(),
      site: zone.site,
      zone: zone.zone,
      device: id,
      maintenance_window: window.inside,
    },
    techniques: ['T0815'],
    episodeKey: 'silence',
    at,
    sampleEventIds: [d.e],
  };
}

/**
 * Every learned device of zone `key` silent: `active` those not alerted before, `at` the
 * last of their deadlines.
 */
export function zoneSilenceFinding(
  config: Thresholds,
  zones: ZoneCache,
  env: DetectorEnvironment,
  key: string,
  learned: Array<[string, Device]>,
  active: Array<[string, Device]>,
  at: number,
): Finding {
  const zone = place(key);
  const window = maintenanceWindow(zones, env, { site: zone.site, zone: zone.zone, ts: at });
  const lastReport = Math.max(...learned.map(([, d]) => d.l));
  const silentMin = (at - lastReport) / MINUTE;
  const ids = learned.map(([id]) => id);
  return {
    entity: { type: 'zone', id: `${zone.site}/${zone.zone}` },
    severity: window.inside ? 'info' : 'high',
    score: window.inside ? 10 : 80,
    title: `Zone ${zone.site}/${zone.zone} went quiet: all ${ids.length} devices stopped reporting`,
    description:
      `All ${ids.length} devices of zone ${zone.site}/${zone.zone} (${ids.join(', ')}) stopped reporting; ` +
      `the last report came ${silentMin.toFixed(1)} min earlier, each device past ${config.missed_intervals} ` +
      `of its learned intervals; ${window.sentence}.`,
    explanation: {
      statistic: 'silence in learned reporting intervals, every device of the zone',
      observed: Math.round(silentMin * 10) / 10,
      expected: Math.round((Math.max(...learned.map(([, d]) => d.i)) / MINUTE) * 100) / 100,
      threshold: `${config.missed_intervals} intervals, at least ${config.min_silence_minutes} min, every device`,
      window: 'event time (partition watermark)',
      unit: 'minutes',
      last_report: new Date(lastReport).toISOString(),
      devices: ids,
      site: zone.site,
      zone: zone.zone,
      maintenance_window: window.inside,
    },
    techniques: ['T0815', 'T0829'],
    episodeKey: 'silence',
    at,
    sampleEventIds: active.map(([, d]) => d.e),
  };
}

function seconds(ms: number): string {
  return ms >= 120_000 ? `${(ms / MINUTE).toFixed(1)} min` : `${Math.round(ms / 1000)} s`;
}
