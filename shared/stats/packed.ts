/**
 * Compact snapshots of numeric arrays: the raw little-endian bytes of a Float32Array or
 * Uint16Array as one base64 string. A learned profile of 144 bins costs 768 characters
 * instead of about 2,600 as JSON decimals, which keeps a series' state under its 6 KB
 * budget. The arrays live in memory in the same types, so a restore is exact.
 */

export function packFloat32(a: Float32Array): string {
  const view = new DataView(new ArrayBuffer(a.length * 4));
  for (let i = 0; i < a.length; i++) view.setFloat32(i * 4, a[i] as number, true);
  return Buffer.from(view.buffer).toString('base64');
}

export function unpackFloat32(s: string, length: number): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length !== length * 4)
    throw new TypeError(`packed Float32 array of ${length} has ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function packUint16(a: Uint16Array): string {
  const view = new DataView(new ArrayBuffer(a.length * 2));
  for (let i = 0; i < a.length; i++) view.setUint16(i * 2, a[i] as number, true);
  return Buffer.from(view.buffer).toString('base64');
}

export function unpackUint16(s: string, length: number): Uint16Array {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length !== length * 2)
    throw new TypeError(`packed Uint16 array of ${length} has ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint16Array(length);
  for (let i = 0; i < length; i++) out[i] = view.getUint16(i * 2, true);
  return out;
}
