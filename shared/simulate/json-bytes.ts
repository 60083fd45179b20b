/**
 * JSON text written straight into a byte buffer: keys, strings, numbers and RFC 3339
 * timestamps go in as bytes, with no intermediate string per value or per line.
 *
 * Why: building each NDJSON line as a string and UTF-8 encoding it afterwards spent most
 * of `vigil simulate --out` in string concatenation, rope flattening, number-to-string
 * conversion and `Buffer#write` (issue 5 asks for ≥ 200,000 events/s on one core).
 * Measured on the 2-core EPYC dev box (Node 20): a JavaScript loop costs ~3 ns per byte,
 * `Uint8Array#set` ~30 ns per call whatever the length up to a few hundred bytes, and
 * `Buffer#latin1Write` ~80 ns per call. So text that repeats (keys, entity ids) is
 * encoded once and copied with `set`; only short or one-off text (event ids, digits) is
 * written a byte at a time. Anything that needs escaping or is not ASCII takes
 * `JSON.stringify`'s path, so the bytes are always exactly what `JSON.stringify` gives.
 */
import { writeSync } from 'node:fs';
import { MINUTE } from './calendar.ts';

const QUOTE = 34;
const MAX_INT32 = 2147483647;
/** Below this length a byte loop beats a `set` call. */
const SHORT = 12;

/** UTF-8 bytes of `s`: for constant text encoded once at module load or first use. */
export function utf8(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

/** Where full buffers go: a file descriptor, or nowhere (the buffer grows instead). */
export type ByteSink = number | null;

export class JsonBytes {
  buf: Buffer;
  pos = 0;
  /** Bytes handed to the sink so far. */
  flushed = 0;
  private minute = NaN;
  private timeKey = '';
  private minutePrefix: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly sink: ByteSink,
    bytes = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(bytes);
  }

  /** Makes room for `n` more bytes: flushes to the sink, or grows when there is none. */
  private room(n: number): void {
    if (this.sink !== null) this.flush();
    if (this.pos + n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
      this.buf.copy(bigger, 0, 0, this.pos);
      this.buf = bigger;
    }
  }

  /** Writes the buffered bytes to the sink (no-op without one). */
  flush(): void {
    const sink = this.sink;
    if (sink === null) return;
    let off = 0;
    while (off < this.pos) off += writeSync(sink, this.buf, off, this.pos - off);
    this.flushed += this.pos;
    this.pos = 0;
  }

  /** Pre-encoded bytes: keys, punctuation, cached values. */
  bytes(a: Uint8Array): void {
    const n = a.length;
    if (this.pos + n > this.buf.length) this.room(n);
    if (n > SHORT) {
      this.buf.set(a, this.pos);
      this.pos += n;
      return;
    }
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = a[i] as number;
    this.pos = p;
  }

  /** Text known to be ASCII that needs no escaping (rare paths; hot text is pre-encoded). */
  raw(s: string): void {
    const n = s.length;
    if (this.pos + n > this.buf.length) this.room(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  byte(c: number): void {
    if (this.pos + 1 > this.buf.length) this.room(1);
    this.buf[this.pos++] = c;
  }

  /** A JSON string: printable ASCII is copied; anything else goes through `JSON.stringify`. */
  str(s: string): void {
    const n = s.length;
    if (this.pos + n + 2 > this.buf.length) this.room(n + 2);
    const b = this.buf;
    const start = this.pos;
    let p = start;
    b[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 32 || c > 126 || c === QUOTE || c === 92) {
        this.pos = start;
        this.escaped(s);
        return;
      }
      b[p++] = c;
    }
    b[p++] = QUOTE;
    this.pos = p;
  }

  private escaped(s: string): void {
    // An escape is at most 6 bytes per UTF-16 unit (\u001f), UTF-8 at most 3.
    const need = 6 * s.length + 2;
    if (this.pos + need > this.buf.length) this.room(need);
    this.pos += this.buf.write(JSON.stringify(s), this.pos, 'utf8');
  }

  /**
   * A number as `JSON.stringify` writes it. The simulator rounds to at most three
   * decimals, which integer arithmetic writes directly; other values take `String`.
   */
  num(x: number): void {
    if (this.pos + 24 > this.buf.length) this.room(24);
    if (Number.isInteger(x)) {
      if (x >= 0 && x <= MAX_INT32) return this.uint(x);
      if (x < 0 && x >= -MAX_INT32) {
        this.buf[this.pos++] = 45; // '-'
        return this.uint(-x);
      }
      // Byte counts of nightly jobs pass 2³¹; beyond 2⁵³ `String` writes exponents.
      if (x > 0 && x <= Number.MAX_SAFE_INTEGER) return this.bigUint(x);
      return this.raw(Number.isFinite(x) ? String(x) : 'null');
    }
    const q = Math.round(x * 1000);
    if (q / 1000 !== x || q > MAX_INT32 || q < -MAX_INT32) {
      this.raw(Number.isFinite(x) ? String(x) : 'null');
      return;
    }
    let a = q;
    if (q < 0) {
      this.buf[this.pos++] = 45;
      a = -q;
    }
    const i = (a / 1000) | 0;
    let f = a - i * 1000;
    this.uint(i);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 46; // '.'
    // Three decimals with trailing zeros dropped (f is never 0: x is not an integer).
    b[p++] = 48 + ((f / 100) | 0);
    f %= 100;
    if (f !== 0) {
      b[p++] = 48 + ((f / 10) | 0);
      f %= 10;
      if (f !== 0) b[p++] = 48 + f;
    }
    this.pos = p;
  }

  /** A non-negative integer below 2³¹ (the caller has made room for 10 bytes). */
  private uint(x: number): void {
    const b = this.buf;
    let digits = 1;
    for (let t = x; t >= 10; t = (t / 10) | 0) digits++;
    let p = this.pos + digits;
    this.pos = p;
    do {
      const d = (x / 10) | 0;
      b[--p] = 48 + x - d * 10;
      x = d;
    } while (x > 0);
  }

  /**
   * A safe integer of 2³¹ or more, where `| 0` would wrap: `%` and dividing the multiple
   * of ten are exact in doubles (`Math.floor(x / 10)` is not, near 2⁵³).
   */
  private bigUint(x: number): void {
    const b = this.buf;
    let digits = 1;
    for (let t = x; t >= 10; t = (t - (t % 10)) / 10) digits++;
    let p = this.pos + digits;
    this.pos = p;
    do {
      const r = x % 10;
      b[--p] = 48 + r;
      x = (x - r) / 10;
    } while (x > 0);
  }

  /**
   * `key` (e.g. `,"ts":`) then epoch ms as a quoted RFC 3339 UTC string with milliseconds.
   * Key, date and minute are encoded once per minute; seconds and milliseconds are
   * digits written in place.
   */
  time(key: string, ts: number): void {
    const inMinute = ts % MINUTE;
    const minute = ts - inMinute;
    if (minute !== this.minute || key !== this.timeKey) {
      this.minute = minute;
      this.timeKey = key;
      this.minutePrefix = utf8(`${key}"${new Date(minute).toISOString().slice(0, 17)}`);
    }
    this.bytes(this.minutePrefix);
    if (this.pos + 8 > this.buf.length) this.room(8);
    const b = this.buf;
    let p = this.pos;
    const sec = (inMinute / 1000) | 0;
    const ms = inMinute - sec * 1000;
    b[p++] = 48 + ((sec / 10) | 0);
    b[p++] = 48 + (sec % 10);
    b[p++] = 46;
    b[p++] = 48 + ((ms / 100) | 0);
    b[p++] = 48 + (((ms / 10) | 0) % 10);
    b[p++] = 48 + (ms % 10);
    b[p++] = 90; // 'Z'
    b[p++] = QUOTE;
    this.pos = p;
  }
}
