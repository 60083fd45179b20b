/**
 * Typed arrays as base64 text, for compact keyed-state values: a few hundred numbers
 * become one JSON string (no per-number formatting or parsing), and decoding gives back
 * exactly the bits that were stored, so a restored state continues bit for bit.
 */

function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

export function packArray(a: Float64Array | Float32Array | Uint32Array | Uint16Array | Uint8Array): string {
  return bytesOf(a).toString('base64');
}

function unpack(text: string, bytesPer: number, length: number, what: string): ArrayBuffer {
  const b = Buffer.from(text, 'base64');
  if (b.length !== bytesPer * length) {
    throw new TypeError(
      `${what}: expected ${length} values (${bytesPer * length} bytes), got ${b.length} bytes`,
    );
  }
  // A fresh, aligned buffer of our own (Buffer.from may share a pooled one).
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
}

export function unpackF64(text: string, length: number): Float64Array {
  return new Float64Array(unpack(text, 8, length, 'Float64Array'));
}
export function unpackF32(text: string, length: number): Float32Array {
  return new Float32Array(unpack(text, 4, length, 'Float32Array'));
}
export function unpackU32(text: string, length: number): Uint32Array {
  return new Uint32Array(unpack(text, 4, length, 'Uint32Array'));
}
export function unpackU16(text: string, length: number): Uint16Array {
  return new Uint16Array(unpack(text, 2, length, 'Uint16Array'));
}
