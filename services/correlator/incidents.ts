/**
 * correlation.incident — alerts of different streams (inference, access, facility) that
 * share a principal, a zone or a site within a window, joined into one incident alert
 * whose `related` lists them. Pure logic over keyed state, one value per grouping key, so
 * the live service (keyed by grouping key on an internal topic), `vigil replay` and the
 * tests run the same code.
 *
 * Per key, parts (the latest revision of each alert) are clustered on event time: a part
 * joins a cluster when its [first_seen, last_seen] comes within `window_minutes` of the
 * cluster's span (single linkage). A cluster with parts of at least `min_streams` streams
 * is an incident. For a site, the parts of two streams must also not share a zone (the
 * zone's own incident already tells that story).
 *
 * Identity: the incident id hashes the detector, the key and the one-minute bucket of the
 * cluster's first part — `alertId`, as for every alert. Once issued, an id sticks to its
 * parts, so revisions and replays of part alerts update the one incident (re-emitted only
 * when its content changed) and never duplicate it. Parts arriving in time order (replay,
 * and live alerts raised close to event time) give the same ids in both.
 */
import { SEVERITIES, type Alert, type Severity } from '../../shared/events/types.ts';
import { alertId } from '../../shared/pipeline/alert-tracker.ts';
import type { KeyedState } from '../../shared/pipeline/keyed-state.ts';
import { DEFAULT_STATE_BUDGET, PartitionState } from '../../shared/pipeline/partition-state.ts';
import type { SiteDirectory } from '../../shared/sites/site-directory.ts';
import { CORRELATION_INCIDENT, type IncidentConfig } from './config.ts';
import { entityOfKey, partOf, type Part } from './parts.ts';

interface Issued {
  id: string;
  /** Part ids of the incident as last emitted. */
  parts: string[];
  /** Signature of the last emitted content. */
  sig: string;
  /** detected_at of the first emission (wall clock, RFC 3339). */
  detected: string;
  /** last_seen of the incident, epoch ms (for expiry). */
  end: number;
}

export interface Group {
  parts: Part[];
  incidents: Issued[];
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

export class IncidentCorrelator {
  private readonly windowMs: number;
  private readonly retentionMs: number;

  constructor(
    private readonly config: Readonly<IncidentConfig>,
    private readonly groups: KeyedState<Group>,
  ) {
    this.windowMs = config.window_minutes * MINUTE;
    this.retentionMs = config.retention_hours * HOUR;
  }

  /** Adds or updates `part` under `key`; returns the incident it creates or changes, if any. */
  accept(key: string, part: Part, detectedAtMs: number): Alert | undefined {
    const seen = this.groups.peek(key);
    const old = seen?.parts.find((p) => p.id === part.id);
    // Older or identical revisions (redelivery, replay) change nothing.
    if (old !== undefined && (part.count < old.count || (part.count === old.count && part.last <= old.last)))
      return undefined;
    const group = this.groups.getOrCreate(key, () => ({ parts: [], incidents: [] }));
    group.parts = group.parts.filter((p) => p.id !== part.id);
    group.parts.push(part);
    this.expire(group);

    const cluster = this.clusterOf(group.parts, part.id);
    if (cluster === undefined || !this.qualifies(key, cluster)) return undefined;
    return this.issue(key, group, cluster, detectedAtMs);
  }

  private expire(group: Group): void {
    const newest = Math.max(...group.parts.map((p) => p.last));
    const horizon = newest - this.retentionMs;
    group.parts = group.parts.filter((p) => p.last >= horizon);
    if (group.parts.length > this.config.max_parts) {
      group.parts.sort((a, b) => b.last - a.last || a.id.localeCompare(b.id));
      group.parts.length = this.config.max_parts;
    }
    group.incidents = group.incidents.filter((i) => i.end >= horizon);
  }

  /** The time cluster (single linkage within the window) that holds part `id`. */
  private clusterOf(parts: readonly Part[], id: string): Part[] | undefined {
    const sorted = [...parts].sort((a, b) => a.first - b.first || a.id.localeCompare(b.id));
    let current: Part[] = [];
    let end = Number.NEGATIVE_INFINITY;
    for (const p of sorted) {
      if (current.length > 0 && p.first - end > this.windowMs) {
        if (current.some((c) => c.id === id)) return current;
        current = [];
      }
      current.push(p);
      end = Math.max(current.length === 1 ? p.last : end, p.last);
    }
    return current.some((c) => c.id === id) ? current : undefined;
  }

  private qualifies(key: string, cluster: readonly Part[]): boolean {
    const streams = new Set(cluster.map((p) => p.stream));
    if (streams.size < this.config.min_streams) return false;
    if (!key.startsWith('site:')) return true;
    // A site incident needs parts of different streams that share no zone.
    for (const a of cluster)
      for (const b of cluster)
        if (a.stream !== b.stream && (a.zone === undefined || a.zone !== b.zone)) return true;
    return false;
  }

  private issue(key: string, group: Group, cluster: Part[], detectedAtMs: number): Alert | undefined {
    const ids = new Set(cluster.map((p) => p.id));
    const matching = group.incidents.filter((i) => i.parts.some((p) => ids.has(p)));
    const first = Math.min(...cluster.map((p) => p.first));
    const entity = entityOfKey(key);
    let issued = matching[0];
    if (issued === undefined) {
      issued = {
        id: alertId(CORRELATION_INCIDENT, entity.type, entity.id, '', first),
        parts: [],
        sig: '',
        detected: new Date(detectedAtMs).toISOString(),
        end: 0,
      };
      group.incidents.push(issued);
    }
    // Two incidents bridged by a new part continue as the earlier one.
    if (matching.length > 1)
      group.incidents = group.incidents.filter((i) => i === issued || !matching.includes(i));
    const alert = this.alert(issued, key, cluster);
    const sig = JSON.stringify([
      alert.severity,
      alert.score,
      alert.last_seen,
      alert.event_count,
      alert.related,
    ]);
    if (sig === issued.sig) return undefined;
    issued.sig = sig;
    issued.parts = [...ids];
    issued.end = Math.max(...cluster.map((p) => p.last));
    return alert;
  }

  private alert(issued: Issued, key: string, cluster: Part[]): Alert {
    const parts = [...cluster].sort((a, b) => a.first - b.first || a.id.localeCompare(b.id));
    const strongest = [...parts].sort(
      (a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || b.score - a.score,
    )[0]!;
    const streams = [...new Set(parts.map((p) => p.stream))].sort();
    const top = SEVERITIES.indexOf(strongest.severity);
    // Independent streams agreeing is stronger evidence than either: one level up.
    const severity: Severity = SEVERITIES[Math.min(SEVERITIES.length - 1, top + 1)]!;
    const score = Math.min(100, 100 * (1 - parts.reduce((q, p) => q * (1 - Math.min(99, p.score) / 100), 1)));
    const entity = entityOfKey(key);
    const first = parts[0]!.first;
    const last = Math.max(...parts.map((p) => p.last));
    const spanMin = (last - first) / MINUTE;
    const dimension = key.slice(0, key.indexOf(':'));
    const detectors = [...new Set(parts.map((p) => p.detector))];
    const techniques = [...new Set(parts.flatMap((p) => p.techniques))];
    return {
      alert_id: issued.id,
      detector: CORRELATION_INCIDENT,
      category: strongest.category,
      severity,
      score: Math.round(score * 100) / 100,
      tenant: key.startsWith('principal:') ? key.slice(10, key.indexOf('/')) : parts[0]!.tenant,
      entity,
      title: `Incident on ${entity.type} ${entity.id}: ${detectors.join(' + ')}`,
      description:
        `${parts.length} alerts from the ${streams.join(' and ')} streams share ${dimension} ${entity.id} within ` +
        `${spanMin.toFixed(0)} min (window ${this.config.window_minutes} min between parts); the strongest is ` +
        `"${strongest.title}" (${strongest.severity}).`,
      first_seen: new Date(first).toISOString(),
      last_seen: new Date(last).toISOString(),
      detected_at: issued.detected,
      event_count: parts.reduce((n, p) => n + p.count, 0),
      evidence: {
        statistic: 'alerts of different streams sharing a key within a window',
        observed: streams.length,
        expected: 1,
        threshold: this.config.min_streams,
        window: `${this.config.window_minutes} min between parts`,
        unit: 'streams',
        key,
        dimension,
        streams,
        timeline: parts.map((p) => ({
          alert_id: p.id,
          detector: p.detector,
          stream: p.stream,
          severity: p.severity,
          entity: `${p.entity.type}:${p.entity.id}`,
          first_seen: new Date(p.first).toISOString(),
          last_seen: new Date(p.last).toISOString(),
          title: p.title,
        })),
        sample_event_ids: parts.flatMap((p) => p.samples).slice(0, 20),
      },
      techniques,
      related: parts.map((p) => p.id),
    };
  }
}

/** The store of grouping keys, as the live service and replay declare it. */
export const GROUPS_STORE = 'groups';

/**
 * Applies the correlator to alerts after the fact (`vigil replay`, tests): parts in time
 * order (first_seen, then id), every grouping key in one state. Returns each incident in
 * its final state.
 */
export function correlateAlerts(
  alerts: readonly Alert[],
  config: Readonly<IncidentConfig>,
  sites: SiteDirectory,
  detectedAtMs: number,
): Alert[] {
  if (!config.enabled) return [];
  const state = new PartitionState({ ...DEFAULT_STATE_BUDGET, idleTtlMs: Number.POSITIVE_INFINITY });
  const correlator = new IncidentCorrelator(
    config,
    state.namespace(CORRELATION_INCIDENT).keyed<Group>(GROUPS_STORE),
  );
  const ordered = [...alerts].sort(
    (a, b) => a.first_seen.localeCompare(b.first_seen) || a.alert_id.localeCompare(b.alert_id),
  );
  const incidents = new Map<string, Alert>();
  for (const alert of ordered) {
    const found = partOf(alert, sites, config.group_by, config.min_part_severity);
    if (found === undefined) continue;
    const t = found.part.last;
    if (t > state.clock.watermark) state.clock.watermark = t;
    state.clock.eventTime = t;
    for (const key of found.keys) {
      const incident = correlator.accept(key, found.part, detectedAtMs);
      if (incident !== undefined) incidents.set(incident.alert_id, incident);
    }
  }
  return [...incidents.values()];
}
