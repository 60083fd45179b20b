import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonBytes } from '../../../shared/simulate/json-bytes.ts';
import { Rng } from '../../../shared/simulate/rng.ts';

/** Writes with `fn` into a fresh buffer and returns the text. */
function text(fn: (o: JsonBytes) => void, bytes = 64): string {
  const o = new JsonBytes(null, bytes);
  fn(o);
  return o.buf.toString('utf8', 0, o.pos);
}

describe('JsonBytes', () => {
  it('writes numbers exactly as JSON.stringify does', () => {
    const rng = new Rng(1);
    const xs = [0, -0, 1, -1, 9, 10, 99, 100, 2147483647, -2147483647, 2147483648, -2147483648];
    xs.push(2 ** 40 + 7, Number.MAX_SAFE_INTEGER, 2 ** 60, 1e21, -1e21, 0.1, 0.5, 0.05, 0.001, -0.001);
    xs.push(1.5, 1.05, 1.005, 12.34, -12.34, 2147483.647, 0.1 + 0.2, 1 / 3, 1e-7, 5e-324);
    xs.push(NaN, Infinity, -Infinity);
    for (let i = 0; i < 20_000; i++) {
      const scale = 10 ** rng.int(12);
      const x = rng.uniform(-scale, scale);
      xs.push(x, Math.round(x), Math.round(x * 100) / 100, Math.round(x * 1000) / 1000);
    }
    for (const x of xs)
      expect(
        text((o) => o.num(x)),
        String(x),
      ).toBe(JSON.stringify(x));
  });

  it('writes strings exactly as JSON.stringify does, escaping and UTF-8 included', () => {
    const xs = ['', 'acme', 'user-1@acme', 'a"b', 'a\\b', 'tab\there', 'nl\n', '\u0001', '\u007f'];
    xs.push('café', '東京', '😀', '\ud800', 'x'.repeat(500), 'é'.repeat(300));
    for (const s of xs) expect(text((o) => o.str(s))).toBe(JSON.stringify(s));
  });

  it('writes RFC 3339 UTC timestamps with milliseconds', () => {
    const rng = new Rng(2);
    let t = Date.parse('2026-03-02T00:00:00Z');
    const o = new JsonBytes(null, 16);
    for (let i = 0; i < 5_000; i++) {
      t += rng.int(90_000);
      o.pos = 0;
      o.time('', t);
      expect(o.buf.toString('utf8', 0, o.pos)).toBe(JSON.stringify(new Date(t).toISOString()));
    }
  });

  it('flushes to its file whenever the buffer fills, and grows for a piece larger than it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-jsonbytes-'));
    try {
      const path = join(dir, 'out.json');
      const fd = openSync(path, 'w');
      const o = new JsonBytes(fd, 32);
      let expected = '';
      for (let i = 0; i < 1000; i++) {
        const s = `item-${i}`.repeat(1 + (i % 9));
        o.str(s);
        o.num(i / 8);
        o.raw(',');
        expected += `${JSON.stringify(s)}${JSON.stringify(i / 8)},`;
      }
      o.str('z'.repeat(100));
      expected += JSON.stringify('z'.repeat(100));
      o.flush();
      closeSync(fd);
      expect(o.flushed).toBe(Buffer.byteLength(expected));
      expect(readFileSync(path, 'utf8')).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
