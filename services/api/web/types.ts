/** Shapes of the API's answers, as the console reads them. */
import type { Alert } from '../../../shared/events/types.ts';

export type { Alert };
export type Status = 'open' | 'acknowledged' | 'assigned' | 'resolved' | 'false_positive';
export type AlertRow = Alert & { status: Status };

export interface Me {
  name: string;
  role: 'admin' | 'analyst' | 'integration';
  tenants: string[] | null;
  can: { triage: boolean; ingest: boolean; configure: boolean };
}

export interface Page {
  alerts: AlertRow[];
  next_cursor: string | null;
}

export interface Action {
  action_id: string;
  at: string;
  actor: string;
  role: string;
  action: string;
  assignee: string;
  note: string;
}

export interface ChartPoint {
  t: number;
  value: number;
  events: number;
  anomalous: boolean;
}

export interface Chart {
  label: string;
  measure: 'count' | 'sum' | 'avg' | 'max';
  from: string;
  to: string;
  band: [number, number] | null;
  expected: number | null;
  points: ChartPoint[];
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

export interface Detail extends AlertRow {
  history: Action[];
  related_alerts: AlertRow[];
  timeline: TimelineEntry[] | null;
  events: Array<{ event_id: string; type: string; tenant: string; ts: string; body: unknown }>;
  chart: Chart | null;
}

export interface Overview {
  from: string;
  to: string;
  total: number;
  by_hour: Array<{ hour: string; category: string; alerts: number }>;
  by_severity: Array<{ severity: string; alerts: number }>;
  top_detectors: Array<{ detector: string; alerts: number }>;
  top_entities: Array<{ entity_type: string; entity_id: string; alerts: number; max_severity: string }>;
}
