import { describe, expect, it } from 'vitest';
import { canonicalUtcMs } from '../../../shared/events/utc-timestamp.ts';
import { validateEvent } from '../../../shared/events/validate.ts';
import { mulberry32 as rng } from '../../../shared/stats/mulberry32.ts';

const pad = (x: number, n: number): string => String(x).padStart(n, '0');

describe('canonicalUtcMs', () => {
  it('agrees with Date.parse on every canonical timestamp it accepts', () => {
    const next = rng(11);
    for (let i = 0; i < 20_000; i++) {
      const ms = Date.UTC(2000, 0, 1) + Math.floor(next() * 100 * 365.25 * 86_400_000);
      const iso = new Date(ms).toISOString();
      const fast = canonicalUtcMs(iso);
      // Days past the 28th are left to the general path.
      if (new Date(ms).getUTCDate() > 28) expect(fast).toBeNaN();
      else expect(fast).toBe(Date.parse(iso));
      const noFraction = `${iso.slice(0, 19)}Z`;
      if (!Number.isNaN(fast)) expect(canonicalUtcMs(noFraction)).toBe(Date.parse(noFraction));
    }
  });

  it('declines every other form, leaving it to the general parser', () => {
    for (const v of [
      '2026-03-02T00:00:01.611+00:00',
      '2026-03-02 00:00:01.611Z',
      '2026-03-02t00:00:01.611Z',
      '2026-03-02T00:00:01.6Z',
      '2026-03-02T00:00:01.611z',
      '2026-13-02T00:00:01.611Z',
      '2026-00-02T00:00:01.611Z',
      '2026-02-30T00:00:01.611Z',
      '2026-03-00T00:00:01.611Z',
      '2026-03-02T24:00:00.000Z',
      '2026-03-02T23:60:00.000Z',
      '2026-03-02T23:59:60.000Z',
      '2026-03-02T0a:00:01.611Z',
      '2026-03-02T00:00:01,611Z',
      '0099-03-02T00:00:01.611Z',
      '+02026-03-02T00:00:01Z',
      '',
    ])
      expect(canonicalUtcMs(v), v).toBeNaN();
  });

  it('keeps validation outcomes: random near-canonical strings validate as before', () => {
    const next = rng(5);
    const chars = '0123456789-:.TZ ';
    for (let i = 0; i < 20_000; i++) {
      const base = `20${pad(Math.floor(next() * 100), 2)}-${pad(1 + Math.floor(next() * 12), 2)}-${pad(1 + Math.floor(next() * 31), 2)}T${pad(Math.floor(next() * 25), 2)}:${pad(Math.floor(next() * 61), 2)}:${pad(Math.floor(next() * 61), 2)}.${pad(Math.floor(next() * 1000), 3)}Z`;
      // Mutate one character half of the time.
      const at = Math.floor(next() * base.length);
      const v =
        next() < 0.5
          ? base
          : base.slice(0, at) + chars[Math.floor(next() * chars.length)] + base.slice(at + 1);
      const event = {
        type: 'access',
        event_id: 'e',
        ts: v,
        principal: 'p',
        action: 'read',
        resource: 'r',
        outcome: 'allowed',
      };
      const result = validateEvent(event);
      const expected = referenceParse(v);
      if (typeof expected === 'number') expect(result).toMatchObject({ ok: true, event: { ts: expected } });
      else expect(result.ok, v).toBe(false);
    }
  });
});

/** The general path alone (RFC 3339 pattern, then Date.parse, then the 2000–2099 range). */
function referenceParse(v: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/.test(v))
    return undefined;
  const ms = Date.parse(v[10] === ' ' ? `${v.slice(0, 10)}T${v.slice(11)}` : v);
  if (Number.isNaN(ms) || ms < Date.UTC(2000, 0, 1) || ms >= Date.UTC(2100, 0, 1)) return undefined;
  return ms;
}
