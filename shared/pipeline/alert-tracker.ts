/**
 * Turns findings into alerts with stable identity. An episode is a run of findings of one
 * detector on one entity (and episode key) with gaps no longer than the suppression
 * window; it is one alert. The alert id hashes detector, entity, episode key and the
 * one-minute event-time bucket where the episode began, so a replay of the same events
 * yields the same ids and sinks can deduplicate on them.
 */
import { createHash } from 'node:crypto';
import { SEVERITIES, type Alert, type VigilEvent } from '../events/types.ts';
import type { AlertCategory, Severity } from '../events/types.ts';
import type { Finding } from './detector.ts';

export const ALERT_ID_BUCKET_MS = 60_000;
export const MAX_SAMPLE_EVENT_IDS = 20;

interface Episode {
  alert: Alert;
  firstMs: number;
  lastMs: number;
}

export interface TrackerState {
  version: 1;
  episodes: Array<{ key: string; firstMs: number; lastMs: number; alert: Alert }>;
}

export interface DetectorIdentity {
  id: string;
  category: AlertCategory;
  suppressionMs: number;
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

export class AlertTracker {
  private readonly episodes = new Map<string, Episode>();

  /**
   * Applies a finding caused by `event`; returns the created or updated alert (the same
   * object for every update of one episode). `detected_at` is the wall-clock time the
   * episode was first detected.
   */
  apply(detector: DetectorIdentity, finding: Finding, event: VigilEvent, detectedAtMs: number): Alert {
    const key = `${detector.id}|${finding.entity.type}|${finding.entity.id}|${finding.episodeKey ?? ''}`;
    const ts = event.ts;
    const episode = this.episodes.get(key);
    // Slightly out-of-order events still belong to the episode they fall next to.
    const window = detector.suppressionMs;
    if (episode !== undefined && ts - episode.lastMs <= window && episode.firstMs - ts <= window) {
      this.update(episode, finding, event);
      return episode.alert;
    }
    const alert: Alert = {
      alert_id: alertId(detector.id, finding.entity.type, finding.entity.id, finding.episodeKey ?? '', ts),
      detector: detector.id,
      category: finding.category ?? detector.category,
      severity: finding.severity,
      score: clampScore(finding.score),
      tenant: event.tenant,
      entity: { type: finding.entity.type, id: finding.entity.id },
      title: finding.title,
      description: finding.description,
      first_seen: iso(ts),
      last_seen: iso(ts),
      detected_at: iso(detectedAtMs),
      event_count: 1,
      evidence: { ...finding.explanation, sample_event_ids: [event.event_id] },
      techniques: [...(finding.techniques ?? [])],
      related: [...(finding.related ?? [])],
    };
    this.episodes.set(key, { alert, firstMs: ts, lastMs: ts });
    return alert;
  }

  private update(episode: Episode, finding: Finding, event: VigilEvent): void {
    const alert = episode.alert;
    if (event.ts > episode.lastMs) {
      episode.lastMs = event.ts;
      alert.last_seen = iso(event.ts);
    }
    alert.event_count += 1;
    const samples = alert.evidence.sample_event_ids;
    if (samples.length < MAX_SAMPLE_EVENT_IDS && !samples.includes(event.event_id))
      samples.push(event.event_id);
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

  /** Forgets episodes whose suppression window ended before `eventTimeMs` (bounded memory). */
  expire(eventTimeMs: number, suppressionMsOf: (detectorId: string) => number): number {
    let removed = 0;
    for (const [key, episode] of this.episodes) {
      if (eventTimeMs - episode.lastMs > suppressionMsOf(episode.alert.detector)) {
        this.episodes.delete(key);
        removed++;
      }
    }
    return removed;
  }

  get size(): number {
    return this.episodes.size;
  }

  snapshot(): TrackerState {
    const episodes: TrackerState['episodes'] = [];
    for (const [key, e] of this.episodes)
      episodes.push({ key, firstMs: e.firstMs, lastMs: e.lastMs, alert: e.alert });
    return { version: 1, episodes };
  }

  restore(state: TrackerState): void {
    this.episodes.clear();
    for (const e of state.episodes) {
      this.episodes.set(e.key, { alert: structuredClone(e.alert), firstMs: e.firstMs, lastMs: e.lastMs });
    }
  }
}

function clampScore(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.round(Math.min(100, Math.max(0, score)) * 100) / 100;
}
