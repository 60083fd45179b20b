/**
 * Event and alert contract, version 1 (docs/architecture.md, "Events" and "Alerts").
 * Validated events carry `ts` normalised to epoch milliseconds and `tenant` defaulted,
 * so every consumer downstream reads one representation of time.
 */

export type EventType = 'inference' | 'access' | 'facility';

export interface EventBase {
  type: EventType;
  event_id: string;
  /** Event time, epoch milliseconds (input may be RFC 3339 or epoch ms). */
  ts: number;
  tenant: string;
  source?: string;
  /** Unknown extra fields are kept verbatim and ignored. */
  [extra: string]: unknown;
}

export type InferenceStatus = 'ok' | 'error' | 'refused' | 'rate_limited';

export interface Prediction {
  label?: string;
  score?: number;
}

export interface ToolCall {
  tool: string;
  destination?: string;
}

export interface InferenceEvent extends EventBase {
  type: 'inference';
  model_id: string;
  model_version?: string;
  endpoint?: string;
  principal: string;
  client_ip?: string;
  session_id?: string;
  latency_ms: number;
  status: InferenceStatus;
  input_tokens?: number;
  output_tokens?: number;
  prediction?: Prediction;
  logprobs_requested?: boolean;
  input_features?: Record<string, number>;
  input_embedding?: number[];
  policy_flags?: string[];
  tool_calls?: ToolCall[];
}

export type PrincipalType = 'user' | 'service' | 'agent';
export type AccessAction = 'read' | 'write' | 'delete' | 'export' | 'query' | 'list' | 'admin';
/** The contract's resource types, in a fixed order (validation, detectors, simulator). */
export const RESOURCE_TYPES = [
  'dataset',
  'model_artifact',
  'vector_index',
  'feature_store',
  'secret',
  'log',
  'prompt_store',
  'other',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];
export const SENSITIVITIES = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

export interface AccessEvent extends EventBase {
  type: 'access';
  principal: string;
  principal_type?: PrincipalType;
  role?: string;
  action: AccessAction;
  resource: string;
  resource_type?: ResourceType;
  sensitivity?: Sensitivity;
  resource_tenant?: string;
  bytes?: number;
  records?: number;
  outcome: 'allowed' | 'denied';
  client_ip?: string;
  via?: string;
}

export type FacilityKind = 'ups' | 'cooling' | 'badge';

interface FacilityBase extends EventBase {
  type: 'facility';
  site: string;
  zone: string;
  kind: FacilityKind;
}

export interface UpsMetrics {
  load_pct?: number;
  battery_pct?: number;
  input_v?: number;
  output_v?: number;
  freq_hz?: number;
  temp_c?: number;
  runtime_min?: number;
}
export type UpsState = 'online' | 'on_battery' | 'bypass' | 'fault' | 'maintenance';

export interface UpsEvent extends FacilityBase {
  kind: 'ups';
  device_id: string;
  metrics?: UpsMetrics;
  state?: UpsState;
  firmware?: string;
  config_hash?: string;
}

export interface CoolingMetrics {
  supply_c?: number;
  return_c?: number;
  humidity_pct?: number;
  fan_rpm?: number;
  flow_lpm?: number;
  setpoint_c?: number;
}
export type CoolingState = 'running' | 'standby' | 'fault';

export interface CoolingEvent extends FacilityBase {
  kind: 'cooling';
  device_id: string;
  metrics?: CoolingMetrics;
  state?: CoolingState;
}

export type BadgeResult = 'granted' | 'denied' | 'forced' | 'held_open';

export interface BadgeEvent extends FacilityBase {
  kind: 'badge';
  badge_id: string;
  door_id: string;
  result: BadgeResult;
  direction?: 'in' | 'out';
  holder_role?: string;
}

export type FacilityEvent = UpsEvent | CoolingEvent | BadgeEvent;
export type VigilEvent = InferenceEvent | AccessEvent | FacilityEvent;

export interface EventByType {
  inference: InferenceEvent;
  access: AccessEvent;
  facility: FacilityEvent;
}

// ---- alerts -------------------------------------------------------------------------

export type AlertCategory =
  'drift' | 'extraction' | 'abuse' | 'exfiltration' | 'access' | 'facility' | 'physical' | 'cyber_physical';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export type EntityType = 'model' | 'principal' | 'device' | 'zone' | 'badge' | 'site';

export interface AlertEntity {
  type: EntityType;
  id: string;
}

export interface Evidence {
  statistic: string;
  observed: number | string;
  expected: number | string;
  threshold: number | string;
  window: string;
  sample_event_ids: string[];
  [extra: string]: unknown;
}

export interface Alert {
  alert_id: string;
  detector: string;
  category: AlertCategory;
  severity: Severity;
  score: number;
  tenant: string;
  entity: AlertEntity;
  title: string;
  description: string;
  /** RFC 3339 */
  first_seen: string;
  last_seen: string;
  detected_at: string;
  event_count: number;
  evidence: Evidence;
  techniques: string[];
  related: string[];
}
