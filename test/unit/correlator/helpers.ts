/** Hand-made part alerts for the correlator's tests. */
import type { Alert, AlertCategory, AlertEntity, Severity } from '../../../shared/events/types.ts';

export const T = Date.parse('2026-03-03T10:00:00Z');
export const MIN = 60_000;

let n = 0;

export function alert(
  detector: string,
  entity: AlertEntity,
  atMin: number,
  extra: {
    severity?: Severity;
    score?: number;
    tenant?: string;
    evidence?: Record<string, unknown>;
    lastMin?: number;
    count?: number;
    category?: AlertCategory;
    id?: string;
  } = {},
): Alert {
  const first = T + atMin * MIN;
  return {
    alert_id: extra.id ?? `a${String(n++).padStart(4, '0')}`,
    detector,
    category: extra.category ?? 'access',
    severity: extra.severity ?? 'high',
    score: extra.score ?? 80,
    tenant: extra.tenant ?? 'acme',
    entity,
    title: `${detector} on ${entity.id}`,
    description: '',
    first_seen: new Date(first).toISOString(),
    last_seen: new Date(T + (extra.lastMin ?? atMin) * MIN).toISOString(),
    detected_at: new Date(first).toISOString(),
    event_count: extra.count ?? 1,
    evidence: {
      statistic: 's',
      observed: 1,
      expected: 0,
      threshold: 1,
      window: 'w',
      sample_event_ids: [`ev-${n}`],
      ...extra.evidence,
    },
    techniques: [],
    related: [],
  };
}

export const principal = (id: string): AlertEntity => ({ type: 'principal', id });
export const zone = (id: string): AlertEntity => ({ type: 'zone', id });
export const device = (id: string): AlertEntity => ({ type: 'device', id });
