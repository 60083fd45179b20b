/**
 * cyber_physical.correlation's finding: one per zone episode, critical, its evidence the
 * timeline of the physical signs and the facility parts in the window, `related` naming
 * the parts' alerts.
 */
import type { Finding } from '../../../shared/pipeline/detector.ts';
import type { Sign, ZoneState } from './correlation-state.ts';

const MINUTE = 60_000;

const FACILITY_LABEL: Readonly<Record<string, string>> = {
  'facility.state': 'state/config change',
  'facility.metric': 'metric anomaly',
  'facility.silence': 'device silence',
};

/** The facility half that triggers a finding. */
export interface Trigger {
  t: number;
  detector: string;
  title: string;
  samples: readonly string[];
}

/** The zone's episode so far: `signs` in the window before the `trigger`, `z` the parts cited. */
export function intrusionFinding(
  config: { window_minutes: number },
  zone: string,
  signs: Sign[],
  z: ZoneState,
  trigger: Trigger,
): Finding {
  const first = signs[0]!;
  const lagMin = (trigger.t - first.t) / MINUTE;
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
      alert_id: p.a || null,
      title: p.title,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const related = [...signs.map((s) => s.a), ...parts.map((p) => p.a)].filter((a) => a !== '');
  const samples = [...signs.flatMap((s) => s.e), ...trigger.samples].slice(0, 10);
  const lower = (text: string) => `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
  return {
    entity: { type: 'zone', id: zone },
    severity: 'critical',
    score: Math.min(100, 90 + 2 * parts.length),
    title: `Cyber-physical intrusion in ${zone}: ${first.k.replaceAll('_', ' ')} then ${FACILITY_LABEL[trigger.detector] ?? trigger.detector}`,
    description:
      `In zone ${zone}, ${lower(first.title)} at ${new Date(first.t).toISOString()} ` +
      `was followed ${lagMin.toFixed(1)} min later by ${lower(trigger.title)}, ` +
      `within the ${config.window_minutes}-min window (${parts.length} facility part${parts.length === 1 ? '' : 's'} so far).`,
    explanation: {
      statistic: 'physical sign followed by a facility anomaly in the same zone',
      observed: Math.round(lagMin * 10) / 10,
      expected: 'no facility anomaly after a physical intrusion sign',
      threshold: config.window_minutes,
      window: `${config.window_minutes} min after the physical sign`,
      unit: 'minutes from the first sign to the facility anomaly',
      site: zone.slice(0, zone.indexOf('/')),
      zone: zone.slice(zone.indexOf('/') + 1),
      timeline,
    },
    techniques: z.techniques,
    episodeKey: 'intrusion',
    related,
    at: trigger.t,
    sampleEventIds: samples,
  };
}
