/**
 * Alerts as ArcSight Common Event Format (CEF) 0, for QRadar, ArcSight and Sentinel
 * collectors: `CEF:0|Vigil|Vigil|<version>|<detector>|<title>|<severity 0-10>|<extension>`.
 * Escaping follows the CEF implementation standard: in the header, `\` and `|` get a
 * backslash (a newline there has no escape, so it becomes a space); in extension values,
 * `\` and `=` get a backslash and line breaks become the two characters `\n` / `\r`. Keys
 * are the standard dictionary's (rt, start, end, cnt, externalId, cat, msg, suser) plus
 * labelled custom strings (csN/csNLabel) and one custom float (cfp1) for Vigil's own fields.
 */
import type { Alert, Severity } from '../../../shared/events/types.ts';
import { idempotencyId } from '../delivery/coalesce.ts';
import { VIGIL_VERSION } from './product.ts';

/** CEF severity 0–10: 0–3 low, 4–6 medium, 7–8 high, 9–10 very high. */
export const CEF_SEVERITY: Record<Severity, number> = { info: 1, low: 3, medium: 5, high: 8, critical: 10 };

/** Custom string values are limited (4000 chars in the standard); the evidence is cut there. */
const CS_MAX = 4000;

export function escapeHeader(value: string): string {
  return value.replace(/[\\|]/g, (c) => `\\${c}`).replace(/\r\n|[\r\n]/g, ' ');
}

export function escapeExtension(value: string): string {
  return value
    .replace(/[\\=]/g, (c) => `\\${c}`)
    .replace(/\r\n|\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

export function toCef(alert: Alert): string {
  const header = [
    'CEF:0',
    'Vigil',
    'Vigil',
    VIGIL_VERSION,
    alert.detector,
    alert.title,
    String(CEF_SEVERITY[alert.severity]),
  ];
  const evidence = JSON.stringify(alert.evidence);
  const fields: Array<[string, string | number]> = [
    ['externalId', alert.alert_id],
    ['rt', Date.parse(alert.detected_at)],
    ['start', Date.parse(alert.first_seen)],
    ['end', Date.parse(alert.last_seen)],
    ['cnt', alert.event_count],
    ['cat', alert.category],
    ...(alert.entity.type === 'principal' ? [['suser', alert.entity.id] as [string, string]] : []),
    ['cs1Label', 'tenant'],
    ['cs1', alert.tenant],
    ['cs2Label', 'entityType'],
    ['cs2', alert.entity.type],
    ['cs3Label', 'entityId'],
    ['cs3', alert.entity.id],
    ['cs4Label', 'techniques'],
    ['cs4', alert.techniques.join(',')],
    ['cs5Label', 'idempotencyId'],
    ['cs5', idempotencyId(alert)],
    ['cs6Label', 'evidence'],
    ['cs6', evidence.length > CS_MAX ? evidence.slice(0, CS_MAX) : evidence],
    ['cfp1Label', 'score'],
    ['cfp1', alert.score],
    // Last, so that a datagram cut short for UDP loses the long free text first.
    ['msg', alert.description],
  ];
  const extension = fields.map(([k, v]) => `${k}=${escapeExtension(String(v))}`).join(' ');
  return `${header.slice(0, 1).join('')}|${header.slice(1).map(escapeHeader).join('|')}|${extension}`;
}
