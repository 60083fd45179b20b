/**
 * What the alert view charts for an alert: which events (type and entity), which measure
 * per minute, and the detector's baseline band. Data-driven, so detectors added later get a
 * sensible chart without code here:
 *  1. `evidence.measure` — `{ field?: "bytes" | "metrics.load_pct" | …, agg: count|sum|avg|max,
 *     where?: { outcome: "denied" } }`, in the unit of `expected`/`expected_range` per minute;
 *  2. `evidence.metric` on a facility alert — that metric's per-minute mean (facility.metric);
 *  3. a detector-id prefix from the table below;
 *  4. otherwise the entity's events per minute.
 * The band (`expected_range`) and expected line are drawn only when the measure came from
 * the evidence (1 or 2): only then is it known that they are in the measure's unit.
 */
import type { Alert, EntityType, EventType } from '../../shared/events/types.ts';
import type { FieldMatch, SeriesMeasure } from '../../shared/store/event-queries.ts';

export interface ChartPlan {
  type: EventType;
  /** The events' key column, when the entity is what events are keyed on. */
  entity?: string;
  match: FieldMatch[];
  measure: SeriesMeasure;
  label: string;
  band?: [number, number];
  expected?: number;
}

const TYPE_BY_PREFIX: ReadonlyArray<[string, EventType]> = [
  ['inference.', 'inference'],
  ['access.', 'access'],
  ['facility.', 'facility'],
  ['physical.', 'facility'],
];

/** Detectors whose measure is known by id; the rest count events. */
const MEASURE_BY_DETECTOR: ReadonlyArray<[string, SeriesMeasure, string]> = [
  ['access.volume', { agg: 'sum', field: ['bytes'] }, 'bytes read per minute'],
  ['access.bulk_export', { agg: 'sum', field: ['bytes'] }, 'bytes exported per minute'],
  [
    'access.denied_burst',
    { agg: 'count', where: [{ path: ['outcome'], value: 'denied' }] },
    'denied requests per minute',
  ],
  ['inference.extraction.rate', { agg: 'count' }, 'queries per minute'],
  ['inference.behavior', { agg: 'count' }, 'requests per minute'],
  ['physical.badge', { agg: 'count' }, 'badge events per minute'],
];

/** The event field naming an entity of this type, per event type; the key column otherwise. */
function entityMatch(
  type: EventType,
  entity: { type: EntityType; id: string },
): Pick<ChartPlan, 'entity' | 'match'> {
  const keyed =
    (type === 'inference' && entity.type === 'model') ||
    (type === 'access' && entity.type === 'principal') ||
    (type === 'facility' && entity.type === 'zone');
  if (keyed) return { entity: entity.id, match: [] };
  const field: Partial<Record<EntityType, string>> = {
    principal: 'principal',
    model: type === 'access' ? 'via' : 'model_id',
    device: 'device_id',
    badge: 'badge_id',
    site: 'site',
    zone: 'zone',
  };
  return { match: [{ path: [field[entity.type] ?? 'principal'], value: entity.id }] };
}

const numeric = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

function measureHint(v: unknown): SeriesMeasure | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  const agg = m['agg'];
  if (agg !== 'count' && agg !== 'sum' && agg !== 'avg' && agg !== 'max') return undefined;
  const field = typeof m['field'] === 'string' ? m['field'].split('.').slice(0, 4) : undefined;
  if (agg !== 'count' && field === undefined) return undefined;
  const where =
    typeof m['where'] === 'object' && m['where'] !== null ? (m['where'] as Record<string, unknown>) : {};
  return {
    agg,
    ...(field !== undefined && { field }),
    where: Object.entries(where)
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .slice(0, 4)
      .map(([k, value]) => ({ path: k.split('.'), value })),
  };
}

/** The chart for an alert, or undefined for alerts built from other alerts (incidents). */
export function chartPlan(alert: Alert, type: EventType | undefined): ChartPlan | undefined {
  const eventType = TYPE_BY_PREFIX.find(([p]) => alert.detector.startsWith(p))?.[1] ?? type;
  if (eventType === undefined || alert.related.length > 0) return undefined;
  const ev = alert.evidence;
  const fromEvidence = (measure: SeriesMeasure, label: string): ChartPlan => {
    const range = Array.isArray(ev['expected_range']) ? ev['expected_range'].map(numeric) : [];
    const [lo, hi] = range;
    const expected = numeric(ev.expected);
    return {
      type: eventType,
      ...entityMatch(eventType, alert.entity),
      measure,
      label,
      ...(lo !== undefined &&
        hi !== undefined && { band: [Math.min(lo, hi), Math.max(lo, hi)] as [number, number] }),
      ...(expected !== undefined && { expected }),
    };
  };
  const hint = measureHint(ev['measure']);
  if (hint !== undefined)
    return fromEvidence(hint, `${hint.agg} of ${hint.field?.join('.') ?? 'events'} per minute`);
  const metric = ev['metric'];
  if (typeof metric === 'string' && eventType === 'facility' && /^[a-z_]{1,64}$/.test(metric)) {
    return fromEvidence({ agg: 'avg', field: ['metrics', metric] }, `${metric} (mean per minute)`);
  }
  const known = MEASURE_BY_DETECTOR.find(
    ([id]) => alert.detector === id || alert.detector.startsWith(`${id}.`),
  );
  return {
    type: eventType,
    ...entityMatch(eventType, alert.entity),
    measure: known?.[1] ?? { agg: 'count' },
    label: known?.[2] ?? 'events per minute',
  };
}
