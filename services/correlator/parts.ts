/**
 * What the correlator keeps of an alert (a "part") and the keys it groups parts by:
 * the principal (qualified by tenant), the zone and the site the alert concerns. Keys come
 * from the alert's entity and evidence — facility alerts carry `site`/`zone`, access and
 * inference alerts `principal` and `client_ip`, and a client address inside a zone's
 * declared console networks (`sites.<site>.zones.<zone>.networks`) puts the alert in that
 * zone. The stream of a part is the input topic its detector reads.
 */
import {
  SEVERITIES,
  type Alert,
  type AlertCategory,
  type AlertEntity,
  type Severity,
} from '../../shared/events/types.ts';
import type { SiteDirectory } from '../../shared/sites/site-directory.ts';
import { CORRELATION_INCIDENT, type GroupDimension } from './config.ts';

export type Stream = 'inference' | 'access' | 'facility';

export interface Part {
  id: string;
  detector: string;
  stream: Stream;
  tenant: string;
  category: AlertCategory;
  severity: Severity;
  score: number;
  title: string;
  entity: AlertEntity;
  /** first_seen / last_seen, epoch ms. */
  first: number;
  last: number;
  /** event_count of the revision (revisions only move forward). */
  count: number;
  techniques: string[];
  /** A few evidence event ids. */
  samples: string[];
  /** `zone:<site>/<zone>` and `principal:<tenant>/<id>` of the part, when it has them. */
  zone?: string;
  principal?: string;
}

/** The stream (input topic) of a detector id, or undefined for ids the correlator ignores. */
export function streamOf(detector: string): Stream | undefined {
  if (detector.startsWith('inference.')) return 'inference';
  if (detector.startsWith('access.')) return 'access';
  if (/^(facility|physical|cyber_physical)\./.test(detector)) return 'facility';
  return undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The part of `alert` and its grouping keys, or undefined when it must not join
 * incidents: an incident itself (incidents never feed incidents), a detector of no known
 * stream, or a severity below `minSeverity`.
 */
export function partOf(
  alert: Alert,
  sites: SiteDirectory,
  dimensions: readonly GroupDimension[],
  minSeverity: Severity,
): { part: Part; keys: string[] } | undefined {
  if (alert.detector === CORRELATION_INCIDENT) return undefined;
  const stream = streamOf(alert.detector);
  if (stream === undefined) return undefined;
  if (SEVERITIES.indexOf(alert.severity) < SEVERITIES.indexOf(minSeverity)) return undefined;
  const ev = alert.evidence ?? {};
  const principalId = alert.entity.type === 'principal' ? alert.entity.id : str(ev['principal']);
  let zone: string | undefined;
  if (alert.entity.type === 'zone') zone = alert.entity.id;
  else if (str(ev['site']) !== undefined && str(ev['zone']) !== undefined)
    zone = `${str(ev['site'])}/${str(ev['zone'])}`;
  else {
    const ip = str(ev['client_ip']);
    const at = ip === undefined ? undefined : sites.zoneOfAddress(ip);
    if (at !== undefined) zone = `${at.site}/${at.zone}`;
  }
  const site =
    zone !== undefined
      ? zone.slice(0, zone.indexOf('/'))
      : alert.entity.type === 'site'
        ? alert.entity.id
        : str(ev['site']);
  const part: Part = {
    id: alert.alert_id,
    detector: alert.detector,
    stream,
    tenant: alert.tenant,
    category: alert.category,
    severity: alert.severity,
    score: alert.score,
    title: alert.title,
    entity: alert.entity,
    first: Date.parse(alert.first_seen),
    last: Date.parse(alert.last_seen),
    count: alert.event_count,
    techniques: alert.techniques ?? [],
    samples: (ev.sample_event_ids ?? []).slice(0, 3),
  };
  if (zone !== undefined) part.zone = `zone:${zone}`;
  if (principalId !== undefined) part.principal = `principal:${alert.tenant}/${principalId}`;
  const keys: string[] = [];
  for (const d of dimensions) {
    if (d === 'principal' && part.principal !== undefined) keys.push(part.principal);
    if (d === 'zone' && part.zone !== undefined) keys.push(part.zone);
    if (d === 'site' && site !== undefined) keys.push(`site:${site}`);
  }
  return keys.length === 0 ? undefined : { part, keys };
}

/** The incident entity of a grouping key. */
export function entityOfKey(key: string): AlertEntity {
  const colon = key.indexOf(':');
  const dim = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (dim === 'principal') return { type: 'principal', id: rest.slice(rest.indexOf('/') + 1) };
  if (dim === 'zone') return { type: 'zone', id: rest };
  return { type: 'site', id: rest };
}
