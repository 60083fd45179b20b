/**
 * GET /api/v1/alerts/:id's body: the alert with its triage history, related alerts (an
 * incident's parts, in time order, as `timeline`), the raw events around it and the chart
 * of its measure per minute with the detector's baseline band (chart-measure.ts).
 */
import type { Alert } from '../../shared/events/types.ts';
import type { AlertWithStatus } from '../../shared/store/alert-queries.ts';
import type { ActionRecord } from '../../shared/store/action-writer.ts';
import type { EventSelector, SeriesPoint } from '../../shared/store/event-queries.ts';
import { chartPlan } from './chart-measure.ts';
import type { AlertDeps } from './routes/alerts.ts';

const MINUTE = 60_000;
const MAX_WINDOW_MS = 24 * 60 * MINUTE;

export interface Chart {
  label: string;
  /** How a minute's events make its value: minutes without events are 0 for count and sum. */
  measure: 'count' | 'sum' | 'avg' | 'max';
  from: string;
  to: string;
  band: [number, number] | null;
  expected: number | null;
  points: Array<SeriesPoint & { anomalous: boolean }>;
}

export interface TimelineEntry {
  alert_id: string;
  detector: string;
  category: string;
  severity: string;
  stream: string;
  title: string;
  first_seen: string;
  last_seen: string;
}

export interface AlertDetail extends AlertWithStatus {
  history: ActionRecord[];
  related_alerts: AlertWithStatus[];
  timeline: TimelineEntry[] | null;
  events: unknown[];
  chart: Chart | null;
}

const STREAMS: ReadonlyArray<[string, string]> = [
  ['inference.', 'inference'],
  ['access.', 'access'],
  ['facility.', 'facility'],
  ['physical.', 'facility'],
];

/** The chart's window: an hour (or the alert's length) before it, half an hour after. */
function window(alert: Alert): { from: number; to: number; start: number; end: number } {
  const start = Date.parse(alert.first_seen);
  const end = Date.parse(alert.last_seen);
  const to = Math.floor(end / MINUTE) * MINUTE + 31 * MINUTE;
  const from = Math.max(start - Math.max(60 * MINUTE, end - start), to - MAX_WINDOW_MS);
  return { from: Math.floor(from / MINUTE) * MINUTE, to, start, end };
}

export async function alertDetail(
  deps: AlertDeps,
  alert: AlertWithStatus,
  tenants: readonly string[] | undefined,
): Promise<AlertDetail> {
  const samples = alert.evidence.sample_event_ids ?? [];
  const [history, related, located] = await Promise.all([
    deps.actions.history(alert.alert_id),
    deps.queries.byIds(alert.related, tenants),
    deps.events.locate(samples),
  ]);
  const w = window(alert);
  const plan = chartPlan(alert, located?.type);
  const selector: EventSelector = {
    from: w.from,
    to: w.to,
    ...(tenants !== undefined && { tenants }),
    ...(plan !== undefined && { type: plan.type, match: plan.match }),
    // A device reports from one zone: the key column narrows the scan to it.
    ...(plan?.entity !== undefined
      ? { entity: plan.entity }
      : alert.entity.type === 'device' && located?.type === plan?.type && located !== undefined
        ? { entity: located.entity }
        : {}),
  };
  const [events, points] = await Promise.all([
    plan !== undefined || samples.length > 0
      ? deps.events.around(plan !== undefined ? selector : { ...selector, from: 0, to: 0 }, samples, w.start)
      : Promise.resolve([]),
    plan !== undefined ? deps.events.series(selector, plan.measure) : Promise.resolve([]),
  ]);
  const inEpisode = (t: number): boolean => t + MINUTE > Math.floor(w.start / MINUTE) * MINUTE && t <= w.end;
  const band = plan?.band;
  const chart: Chart | null =
    plan === undefined
      ? null
      : {
          label: plan.label,
          measure: plan.measure.agg,
          from: new Date(w.from).toISOString(),
          to: new Date(w.to).toISOString(),
          band: band ?? null,
          expected: plan.expected ?? null,
          points: points.map((p) => ({
            ...p,
            // With a band: readings outside it from the episode's start on; without: the episode.
            anomalous:
              band === undefined
                ? inEpisode(p.t)
                : p.t + MINUTE > w.start && (p.value < band[0] || p.value > band[1]),
          })),
        };
  const incident = alert.related.length > 0;
  return {
    ...alert,
    history,
    related_alerts: related,
    timeline: incident
      ? related.map((a) => ({
          alert_id: a.alert_id,
          detector: a.detector,
          category: a.category,
          severity: a.severity,
          stream: STREAMS.find(([p]) => a.detector.startsWith(p))?.[1] ?? 'alerts',
          title: a.title,
          first_seen: a.first_seen,
          last_seen: a.last_seen,
        }))
      : null,
    events,
    chart,
  };
}
