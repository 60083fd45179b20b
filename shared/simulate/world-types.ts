/**
 * The simulated world: who and what exists, from a seed and a size preset. Plain data —
 * the actors read it to produce traffic and scenarios attach time-boxed effects to it
 * (a drifting model, a silent UPS). Tests use it to find entity ids to assert on.
 */
import type { PrincipalType, ResourceType, Sensitivity } from '../events/types.ts';

export type SizePreset = 'small' | 'medium' | 'large';
export type ModelKind = 'classifier' | 'llm' | 'embedding' | 'search';
export type UserRole = 'analyst' | 'data_scientist' | 'engineer' | 'admin' | 'contractor';
export type ZoneKind = 'hall' | 'power_room' | 'network_room' | 'cage';
export type BadgeRole = 'staff' | 'facilities' | 'contractor' | 'security';

/** A half-open event-time window [start, end) in epoch ms. */
export interface Window {
  start: number;
  end: number;
}

export interface Tenant {
  id: string;
  /** Fixed UTC offset of the tenant's main office, hours (no DST: keeps cycles exact). */
  utcOffsetH: number;
}

export interface FeatureSpec {
  name: string;
  mean: number;
  sd: number;
  /** Weight of the feature in the classifier's latent score. */
  weight: number;
}

/** Time-boxed changes scenarios make to a model's traffic; empty for a healthy model. */
export interface ModelEffects {
  /** Shift of the classifier's latent score (logit units) inside each window. */
  outputShift: (Window & { shift: number; tag: string })[];
  /** Shift of named input features, in standard deviations, inside each window. */
  inputShift: (Window & { features: Record<string, number>; tag: string })[];
  /** A new version from `at`; its outputs differ by `shift` logits (a benign rollout). */
  rollout: { at: number; version: string; shift: number; tag: string; tagUntil: number } | null;
}

export interface ModelSpec {
  id: string;
  tenant: string;
  kind: ModelKind;
  /** Released versions, oldest first; traffic uses the last unless a rollout says otherwise. */
  versions: string[];
  endpoints: string[];
  /** Classifier labels: [negative, positive]. */
  labels: string[];
  features: FeatureSpec[];
  embedDims: number;
  /** Cluster centres of natural queries in embedding space. */
  centres: number[][];
  latencyMedianMs: number;
  effects: ModelEffects;
}

export interface Resource {
  id: string;
  tenant: string;
  type: ResourceType;
  sensitivity: Sensitivity;
  /** Median bytes of one read. */
  readBytesMedian: number;
}

export interface Principal {
  id: string;
  tenant: string;
  type: PrincipalType;
  /** Peer group: a user role, `service` or `agent`. */
  role: string;
  utcOffsetH: number;
  /** Local office hours of a user (start, end), hours. */
  officeStartH: number;
  officeEndH: number;
  /** Mean events per hour at peak activity. */
  peakPerHour: number;
  schedule: 'interactive' | 'hourly' | 'nightly' | 'continuous';
  /** Minute past the hour (hourly) or local hour + minute (nightly) the job starts. */
  runMinute: number;
  runHourLocal: number;
  /** Reads per run, and median bytes of one read (nightly jobs read gigabytes). */
  readsPerRun: number;
  readBytesMedian: number;
  models: ModelSpec[];
  resources: Resource[];
  /** Tools an agent calls, as tool → destination. */
  tools: { tool: string; destination: string }[];
  ip: string;
  /** First active moment (a new employee or job); 0 = always there. */
  activeFrom: number;
  /** Nightly-volume multiplier per day since activeFrom (a job that ramps up); 0 = flat. */
  rampPerDay: number;
}

/** Time-boxed changes scenarios make to a device's telemetry. */
export interface DeviceEffects {
  silent: (Window & { tag: string })[];
  /** Slow cooling failure: metrics worsen linearly over the window, then stay bad. */
  degrade: (Window & { tag: string })[];
  bypass: (Window & { tag: string })[];
  maintenance: (Window & { tag: string; firmware: string; configHash: string })[];
  /** Config hash changes at `at` for good; events are tagged until `tagUntil`. */
  configChange: { at: number; configHash: string; tag: string; tagUntil: number }[];
}

export interface Device {
  id: string;
  site: string;
  zone: string;
  kind: 'ups' | 'cooling';
  intervalMs: number;
  /** Bound of the device clock's jitter, ms: its `ts` may trail or lead the send time. */
  jitterMs: number;
  firmware: string;
  configHash: string;
  effects: DeviceEffects;
}

export interface Zone {
  id: string;
  site: string;
  kind: ZoneKind;
  restricted: boolean;
  doors: string[];
  devices: Device[];
}

export interface Site {
  id: string;
  utcOffsetH: number;
  zones: Zone[];
}

export interface Badge {
  id: string;
  role: BadgeRole;
  site: string;
  /** Zones (ids) the holder visits on a normal day besides the entrance hall. */
  zones: string[];
  startH: number;
  /** Day number (epoch days) the badge starts being used; 0 = always. */
  activeFrom: number;
}

export interface MaintenanceWindow {
  site: string;
  zone: string;
  device_id: string;
  start: string;
  end: string;
}

export interface World {
  seed: number;
  size: SizePreset;
  startMs: number;
  /** The data-centre operator; facility events carry its tenant. */
  operator: string;
  tenants: Tenant[];
  models: ModelSpec[];
  principals: Principal[];
  resources: Resource[];
  sites: Site[];
  badges: Badge[];
  /** Public holidays, `YYYY-MM-DD` (one per world, observed by every office). */
  holidays: string[];
  /** Declared maintenance windows (benign scenarios add to it). */
  maintenance: MaintenanceWindow[];
}
