import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../../shared/events/validate.ts';
import { decodeMessage, decodeText } from '../../../shared/events/decode.ts';
import { MAX_MESSAGE_BYTES } from '../../../shared/events/limits.ts';

const inference = () => ({
  type: 'inference',
  event_id: 'i-1',
  ts: '2026-03-02T10:00:00Z',
  model_id: 'fraud-v2',
  principal: 'key-1',
  latency_ms: 12.5,
  status: 'ok',
});
const access = () => ({
  type: 'access',
  event_id: 'a-1',
  ts: 1772445600000,
  principal: 'svc-etl',
  action: 'read',
  resource: 'ds/customers',
  outcome: 'allowed',
});
const ups = () => ({
  type: 'facility',
  event_id: 'f-1',
  ts: '2026-03-02T10:00:00.123+01:00',
  site: 'fra1',
  zone: 'power-room',
  kind: 'ups',
  device_id: 'ups-1',
  metrics: { load_pct: 41.5 },
});

function reason(value: unknown): string {
  const r = validateEvent(value);
  if (r.ok) throw new Error('expected a rejection');
  return r.reason;
}

describe('validateEvent', () => {
  it('accepts each event type, normalising ts to epoch ms and defaulting tenant', () => {
    for (const e of [inference(), access(), ups()]) {
      const r = validateEvent(e);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(typeof r.event.ts).toBe('number');
        expect(r.event.tenant).toBe('default');
      }
    }
    const r = validateEvent(ups());
    expect(r.ok && r.event.ts).toBe(Date.parse('2026-03-02T09:00:00.123Z'));
  });

  it('accepts a space instead of T in RFC 3339 and keeps unknown fields', () => {
    const r = validateEvent({ ...access(), ts: '2026-03-02 10:00:00Z', x_custom: { a: 1 } });
    expect(r.ok).toBe(true);
    expect(r.ok && r.event['x_custom']).toEqual({ a: 1 });
  });

  it('names the field and the rule', () => {
    expect(reason({ ...ups(), metrics: { load_pct: 'high' } })).toBe(
      'facility.metrics.load_pct: expected number, got "high"',
    );
    expect(reason({ ...inference(), latency_ms: -1 })).toBe('inference.latency_ms: must be ≥ 0, got -1');
    expect(reason({ ...inference(), status: 'fine' })).toMatch(
      /^inference\.status: expected one of ok \| error/,
    );
    expect(reason({ ...access(), principal: undefined })).toBe('access.principal: required');
    expect(reason({ ...inference(), tool_calls: [{ tool: 'x' }, { destination: 'y' }] })).toBe(
      'inference.tool_calls[1].tool: required',
    );
    expect(reason({ ...inference(), policy_flags: ['pii', 3] })).toBe(
      'inference.policy_flags[1]: expected string, got 3',
    );
    expect(reason({ ...inference(), prediction: { score: 1.5 } })).toBe(
      'inference.prediction.score: must be ≤ 1, got 1.5',
    );
    expect(reason({ ...inference(), input_tokens: 1.5 })).toBe(
      'inference.input_tokens: expected integer, got 1.5',
    );
    expect(reason({ ...ups(), kind: 'badge' })).toBe('facility.badge_id: required');
  });

  it('rejects unknown types, bad timestamps and missing ids', () => {
    expect(reason({ type: 'metric' })).toMatch(/^type: expected one of/);
    expect(reason([1])).toBe('event: expected object, got array');
    expect(reason({ ...access(), ts: 'yesterday' })).toMatch(/^access\.ts: expected RFC 3339/);
    expect(reason({ ...access(), ts: 12 })).toMatch(/^access\.ts: timestamp out of range/);
    expect(reason({ ...access(), ts: undefined })).toBe('access.ts: required');
    expect(reason({ ...access(), event_id: '' })).toBe('access.event_id: must not be empty');
    expect(reason({ ...access(), event_id: 'x'.repeat(129) })).toMatch(/^access\.event_id: must be 1–128/);
  });

  it('enforces the size limits of the contract', () => {
    expect(reason({ ...access(), resource: 'r'.repeat(5000) })).toBe(
      'access.resource: string longer than 4096 bytes',
    );
    expect(reason({ ...access(), resource: 'é'.repeat(2100) })).toBe(
      'access.resource: string longer than 4096 bytes',
    );
    expect(reason({ ...inference(), policy_flags: Array(1025).fill('a') })).toMatch(/more than 1024 items/);
    expect(reason({ ...inference(), input_embedding: Array(257).fill(0) })).toMatch(/more than 256 items/);
    const features = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`f${i}`, i]));
    expect(reason({ ...inference(), input_features: features })).toBe(
      'inference.input_features: more than 64 keys',
    );
  });

  it('refuses prototype-polluting keys anywhere it looks', () => {
    expect(reason(JSON.parse('{"type":"access","__proto__":{"polluted":true}}'))).toBe(
      'access.__proto__: forbidden key',
    );
    const nested = JSON.parse(
      '{"type":"inference","event_id":"i","ts":1772445600000,"model_id":"m","principal":"p","latency_ms":1,"status":"ok","input_features":{"__proto__":{"x":1}}}',
    );
    expect(reason(nested)).toBe('inference.input_features: forbidden key "__proto__"');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('decodeMessage', () => {
  it('decodes arrays item by item, keeping each rejected item with its index', () => {
    const bytes = Buffer.from(JSON.stringify([access(), { ...access(), action: 'steal' }, inference()]));
    const d = decodeMessage(bytes);
    expect(d.events).toHaveLength(2);
    expect(d.rejections).toHaveLength(1);
    expect(d.rejections[0]!.reason).toMatch(/^\[1\] access\.action: expected one of/);
    expect(JSON.parse(d.rejections[0]!.raw.toString()).action).toBe('steal');
  });

  it('rejects bad JSON, empty and oversized messages with their bytes', () => {
    expect(decodeMessage(Buffer.from('{nope')).rejections[0]!.reason).toMatch(/^message: invalid JSON/);
    expect(decodeMessage(null).rejections[0]!.reason).toBe('message: empty value');
    const big = Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20);
    const d = decodeMessage(big);
    expect(d.rejections[0]!.reason).toMatch(/exceeds the 1048576-byte limit/);
    expect(d.rejections[0]!.raw).toBe(big);
  });

  it('decodeText agrees with decodeMessage', () => {
    const line = JSON.stringify(ups());
    expect(decodeText(line).events).toEqual(decodeMessage(Buffer.from(line)).events);
  });
});
