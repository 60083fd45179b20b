/**
 * Compact JSON for the inference detectors' keyed state: typed arrays travel through the
 * changelog as base64 strings (a Float32 is 4 bytes instead of ~10 JSON characters, and
 * encoding is one memcpy plus base64), and entity keys join their parts unambiguously.
 */

export function packF32(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function unpackF32(s: unknown, length: number): Float32Array {
  const out = new Float32Array(length);
  if (typeof s !== 'string') throw new TypeError('expected a base64 string');
  const b = Buffer.from(s, 'base64');
  if (b.byteLength !== length * 4) throw new TypeError(`expected ${length} float32 values`);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function packU32(a: Uint32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function unpackU32(s: unknown, length: number): Uint32Array {
  const out = new Uint32Array(length);
  if (typeof s !== 'string') throw new TypeError('expected a base64 string');
  const b = Buffer.from(s, 'base64');
  if (b.byteLength !== length * 4) throw new TypeError(`expected ${length} uint32 values`);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** `<model length>:<model>|<principal>`: no separator inside an id can make two keys collide. */
export function principalModelKey(principal: string, model: string): string {
  return `${model.length}:${model}|${principal}`;
}

/** FNV-1a of a string, as an unsigned 32-bit integer (deterministic per event id). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche (murmur3 fmix32): nearby ids give unrelated values.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Rounds for evidence and descriptions: 3 significant digits, integers kept. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

export const round = (x: number, digits = 4): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

let scratch = new ArrayBuffer(8192);
let scratchBytes = new Uint8Array(scratch);
let scratchView = Buffer.from(scratch);

/**
 * The first `bytes` (default all) of a state buffer as base64. Encoded through one
 * long-lived Buffer over the scratch memory (the buffer is copied there first unless it
 * is the scratch itself), so a changelog record allocates only its text.
 */
export function packBuffer(buf: ArrayBuffer, bytes = buf.byteLength): string {
  if (buf !== scratch) {
    if (scratch.byteLength < bytes) growScratch(bytes);
    scratchBytes.set(new Uint8Array(buf, 0, bytes));
  }
  return scratchView.toString('base64', 0, bytes);
}

function growScratch(bytes: number): void {
  scratch = new ArrayBuffer(Math.max(bytes, 2 * scratch.byteLength));
  scratchBytes = new Uint8Array(scratch);
  scratchView = Buffer.from(scratch);
}

/**
 * A shared buffer of at least `bytes` bytes for an encoder to fill and `packBuffer`
 * (encoders run one at a time, and the base64 text is a copy). Its content is stale:
 * the encoder writes every byte it packs.
 */
export function scratchBuffer(bytes: number): ArrayBuffer {
  if (scratch.byteLength < bytes) growScratch(bytes);
  return scratch;
}

/** A fresh buffer from base64, checked to hold `bytes` bytes when given. */
export function unpackBuffer(s: unknown, bytes?: number): ArrayBuffer {
  if (typeof s !== 'string') throw new TypeError('expected a base64 string');
  const b = Buffer.from(s, 'base64');
  if (bytes !== undefined && b.byteLength !== bytes)
    throw new TypeError(`expected ${bytes} bytes, got ${b.byteLength}`);
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
}
