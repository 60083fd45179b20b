import { describe, expect, it } from 'vitest';
import { escapeExtension, escapeHeader, toCef } from '../../../services/alert-sink/outputs/cef.ts';
import {
  headerField,
  octetFrame,
  syslogMessage,
  truncateUtf8,
} from '../../../services/alert-sink/outputs/syslog-message.ts';
import { alert } from '../../fixtures/alerts/sample-alerts.ts';

describe('CEF', () => {
  it('escapes the header: backslash and pipe, newlines become spaces', () => {
    expect(escapeHeader('a|b\\c\nd')).toBe('a\\|b\\\\c d');
  });

  it('escapes extension values: backslash, equals, newlines as \\n and \\r', () => {
    expect(escapeExtension('a=b\\c\r\nd\re|f')).toBe('a\\=b\\\\c\\nd\\re|f');
  });

  it('writes CEF:0|Vigil|Vigil|version|detector|title|severity|extension', () => {
    const cef = toCef(
      alert({ title: 'x | y', severity: 'critical', entity: { type: 'principal', id: 'bob=admin' } }),
    );
    expect(cef).toMatch(/^CEF:0\|Vigil\|Vigil\|\d+\.\d+\.\d+\|facility\.metric\|x \\\| y\|10\|/);
    const extension = cef.split(/(?<!\\)\|/)[7]!;
    expect(extension).toContain(`externalId=${'a'.repeat(32)}`);
    expect(extension).toContain('suser=bob\\=admin');
    expect(extension).toContain(`cs5Label=idempotencyId cs5=${'a'.repeat(32)}:1`);
    expect(extension).toContain('cnt=1');
    expect(extension).toContain(`rt=${Date.parse('2026-03-02T10:05:01.000Z')}`);
    expect(extension).not.toMatch(/[\r\n]/);
  });
});

describe('RFC 5424 and octet counting', () => {
  const header = {
    facility: 10,
    severity: 'high' as const,
    timestamp: '2026-03-02T10:05:01.000Z',
    hostname: 'sink 1',
    appName: 'vigil',
    procId: '42',
    msgId: 'access.volume',
  };

  it('computes PRI from facility and severity and sanitises header fields', () => {
    expect(syslogMessage(header, 'CEF:0|x')).toBe(
      '<83>1 2026-03-02T10:05:01.000Z sink_1 vigil 42 access.volume - CEF:0|x',
    );
    expect(headerField('', 5)).toBe('-');
    expect(headerField('abcdefgh', 5)).toBe('abcde');
  });

  it('frames by byte length, not character count', () => {
    expect(octetFrame('héllo\nworld').toString('utf8')).toBe('12 héllo\nworld');
  });

  it('cuts datagrams on a character boundary', () => {
    expect(truncateUtf8('aé', 2).toString('utf8')).toBe('a');
    expect(truncateUtf8('abc', 10).toString('utf8')).toBe('abc');
  });
});
