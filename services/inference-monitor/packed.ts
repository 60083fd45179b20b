/**
 * Compact JSON for the inference detectors' keyed state: state buffers travel through the
 * changelog as base64 strings (a Float32 is 4 bytes instead of ~10 JSON characters, and
 * encoding is one memcpy plus base64). Entity keys: entity-keys.ts.
 * (Single typed arrays: `packArray` / `unpackF32` … in shared/stats/packed.ts.)
 */

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
