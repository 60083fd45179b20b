/**
 * access.off_hours' state: the layout of the per-principal sliding hour (`live`), the
 * hour-of-week profile and the role's hour-of-week counts, and their changelog codecs.
 */
import type { StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { packArray, unpackF32, unpackF64 } from '../../../shared/stats/packed.ts';
import { arrayText, packedText } from '../state-text.ts';

export const BINS = 168;
export const SCALE = 2; // bins hold counts × 2 (half events survive the weekly decay), up to 255
export const BUCKETS = 6;
export const BUCKET_MS = 10 * 60_000;
/** Live: [head bucket, counts×6, sensitivity level+1 ×6, open hour, its count]. */
export const L_HEAD = 0;
export const L_COUNT = 1;
export const L_SENS = 1 + BUCKETS;
export const L_HOUR = 1 + 2 * BUCKETS;
export const L_HCOUNT = L_HOUR + 1;
/**
 * The open hour's rates, computed once per hour (the profile only changes when an hour
 * closes): [0 = not yet, 1 = not rare, 2 = rare], negative binomial shape and rate, λ, busiest.
 */
export const L_GATE = L_HCOUNT + 1;
export const LIVE_LEN = L_GATE + 5;

export interface Profile {
  /** Effective first-seen time (moves forward with the decay), the week of the last decay, total events. */
  m: Float64Array;
  /** Events per hour-of-week bin × SCALE, saturating at 255 (a busy bin is simply busy). */
  bins: Uint8Array;
}

export const profileCodec: StateCodec<Profile> = {
  encode: (v) => [...v.m, packArray(v.bins)],
  encodeText: (v) => arrayText(v.m, packedText(v.bins)),
  decode: (json) => {
    const j = json as [number, number, number, number, number, string];
    return { m: Float64Array.of(j[0], j[1], j[2], j[3], j[4]), bins: unpackU8(j[5], BINS) };
  },
};

function unpackU8(text: string, length: number): Uint8Array {
  const b = Buffer.from(text, 'base64');
  if (b.length !== length) throw new TypeError(`profile: expected ${length} bins, got ${b.length}`);
  return new Uint8Array(b);
}
// Float32 holds the 10-minute bucket and hour indices exactly (< 2^24) and small counts.
export const liveCodec: StateCodec<Float32Array> = {
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF32(json as string, LIVE_LEN),
};
/** Role: [events per hour-of-week bin ×168, events, principal-hours of exposure]. */
export const ROLE_LEN = BINS + 2;
export const roleCodec: StateCodec<Float64Array> = {
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF64(json as string, ROLE_LEN),
};
