/**
 * Turns findings into alerts with stable identity. An episode is a run of findings of one
 * detector on one entity (and episode key) with gaps no longer than the suppression
 * window; it is one alert. Open episodes are keyed state of the detector (store
 * `_episodes`), so they reach the changelog with the batch that changed them. The alert id hashes detector, entity, episode key and the
 * one-minute event-time bucket where the episode began, so a replay of the same events
 * yields the same ids and sinks can deduplicate on them.
 */
import { createHash } from 'node:crypto';
import { SEVERITIES, type Alert } from '../events/types.ts';
import type { AlertCategory, Severity } from '../events/types.ts';
import type { Finding } from './detector.ts';
import type { KeyedState } from './keyed-state.ts';

export const ALERT_ID_BUCKET_MS = 60_000;
export const MAX_SAMPLE_EVENT_IDS = 20;

/** An open episode, kept in the detector's `_episodes` store under `episodeStoreKey`. */
export interface Episode {
  alert: Alert;
  firstMs: number;
  lastMs: number;
}

export interface DetectorIdentity {
  id: string;
  category: AlertCategory;
  suppressionMs: number;
}

/** Where a finding happened: the event that caused it, or the finding's own date. */
export interface FindingOrigin {
  ts: number;
  tenant: string;
  eventId: string;
}

export function alertId(
  detector: string,
  entityType: string,
  entityId: string,
  episodeKey: string,
  startMs: number,
) {
  const bucket = Math.floor(startMs / ALERT_ID_BUCKET_MS);
  return createHash('sha256')
    .update(`${detector}\u0000${entityType}\u0000${entityId}\u0000${episodeKey}\u0000${bucket}`)
    .digest('hex')
    .slice(0, 32);
}

const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
const iso = (ms: number): string => new Date(ms).toISOString();

export function episodeStoreKey(finding: Finding): string {
  return `${finding.entity.type}|${finding.entity.id}|${finding.episodeKey ?? ''}`;
}

/**
 * Applies a finding to the detector's open episodes; returns the created or updated alert
 * (the same object for every update of one episode while it stays in memory).
 * `detected_at` is the wall-clock time the episode was first detected.
 */
export function applyFinding(
  episodes: KeyedState<Episode>,
  detector: DetectorIdentity,
  finding: Finding,
  origin: FindingOrigin,
  detectedAtMs: number,
): Alert {
  const key = episodeStoreKey(finding);
  const ts = finding.at ?? origin.ts;
  const episode = episodes.get(key);
  // Slightly out-of-order events still belong to the episode they fall next to.
  const window = detector.suppressionMs;
  if (episode !== undefined && ts - episode.lastMs <= window && episode.firstMs - ts <= window) {
    updateEpisode(episode, finding, ts, origin);
    return episode.alert;
  }
  const alert: Alert = {
    alert_id: alertId(detector.id, finding.entity.type, finding.entity.id, finding.episodeKey ?? '', ts),
    detector: detector.id,
    category: finding.category ?? detector.category,
    severity: finding.severity,
    score: clampScore(finding.score),
    tenant: origin.tenant,
    entity: { type: finding.entity.type, id: finding.entity.id },
    title: finding.title,
    description: finding.description,
    first_seen: iso(ts),
    last_seen: iso(ts),
    detected_at: iso(detectedAtMs),
    event_count: 1,
    evidence: { ...finding.explanation, sample_event_ids: samplesOf(finding, origin, []) },
    techniques: [...(finding.techniques ?? [])],
    related: [...(finding.related ?? [])],
  };
  episodes.put(key, { alert, firstMs: ts, lastMs: ts });
  return alert;
}

function samplesOf(finding: Finding, origin: FindingOrigin, into: string[]): string[] {
  for (const id of finding.sampleEventIds ?? [origin.eventId]) {
    if (into.length >= MAX_SAMPLE_EVENT_IDS) break;
    if (!into.includes(id)) into.push(id);
  }
  return into;
}

function updateEpisode(episode: Episode, finding: Finding, ts: number, origin: FindingOrigin): void {
  const alert = episode.alert;
  if (ts > episode.lastMs) {
    episode.lastMs = ts;
    alert.last_seen = iso(ts);
  }
  alert.event_count += 1;
  const samples = samplesOf(finding, origin, alert.evidence.sample_event_ids);
  // The alert tells the strongest evidence seen in the episode.
  const score = clampScore(finding.score);
  if (score >= alert.score) {
    alert.score = score;
    alert.title = finding.title;
    alert.description = finding.description;
    alert.evidence = { ...finding.explanation, sample_event_ids: samples };
  }
  if (severityRank(finding.severity) > severityRank(alert.severity)) alert.severity = finding.severity;
  for (const t of finding.techniques ?? []) if (!alert.techniques.includes(t)) alert.techniques.push(t);
  for (const r of finding.related ?? []) if (!alert.related.includes(r)) alert.related.push(r);
}

function clampScore(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.round(Math.min(100, Math.max(0, score)) * 100) / 100;
}
