/**
 * RFC 5424 syslog messages and their framing. A message is
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG`, PRI = facility × 8
 * + severity. Header fields are printable US-ASCII without spaces (RFC 5424 §6), so they are
 * sanitised and cut to their maximum lengths. MSG is sent without a BOM (the MSG-ANY form),
 * because CEF parsers expect the text to start with "CEF:".
 *
 * Over TCP and TLS each message is framed by octet counting (RFC 6587 §3.4.1, required by
 * RFC 5425 for TLS): `<length in bytes> <message>`, so messages may contain newlines.
 */
import type { Severity } from '../../../shared/events/types.ts';

/** RFC 5424 §6.2.1 severities: critical 2 (crit) … info 6 (informational). */
export const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };

export interface SyslogHeader {
  facility: number;
  severity: Severity;
  /** RFC 3339 with fractional seconds. */
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
}

/** Printable US-ASCII (33–126) only, at most `max` characters; "-" (NILVALUE) when empty. */
export function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

export function syslogMessage(h: SyslogHeader, msg: string): string {
  const pri = h.facility * 8 + SYSLOG_SEVERITY[h.severity];
  return [
    `<${pri}>1`,
    h.timestamp,
    headerField(h.hostname, 255),
    headerField(h.appName, 48),
    headerField(h.procId, 128),
    headerField(h.msgId, 32),
    '-',
    msg,
  ].join(' ');
}

/** RFC 6587 §3.4.1 octet-counting frame: MSG-LEN SP SYSLOG-MSG, length in bytes. */
export function octetFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/** Cuts `message` to at most `maxBytes` bytes without splitting a UTF-8 character. */
export function truncateUtf8(message: string, maxBytes: number): Buffer {
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}
