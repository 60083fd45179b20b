/**
 * access.volume's state: the layout of the packed per-principal `live` and `profile`
 * arrays and of the per-role array, and their changelog codecs.
 */
import type { StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { packArray, unpackF32, unpackF64 } from '../../../shared/stats/packed.ts';
import { packedText } from '../state-text.ts';

export const BUCKETS = 6;
export const MAX_SLOTS = 8;
/**
 * Live: [head bucket, bytes×6, records×6, largest read's bytes×6, its records×6, hour,
 * peak bytes, peak records, reads n, mean log10 bytes per read, variance, sustained peak
 * bytes, records, pairs (hash, bytes, largest read's bytes)×slots].
 */
export const L_HEAD = 0;
export const L_BYTES = 1;
export const L_RECS = 1 + BUCKETS;
export const L_MAXB = 1 + 2 * BUCKETS;
export const L_MAXR = 1 + 3 * BUCKETS;
export const L_HOUR = 1 + 4 * BUCKETS;
export const L_PEAK_B = L_HOUR + 1;
export const L_PEAK_R = L_HOUR + 2;
export const L_RN = L_HOUR + 3;
export const L_RM = L_HOUR + 4;
export const L_RV = L_HOUR + 5;
/** Peaks of the hour over windows no single read dominates (what the envelope learns). */
export const L_SUS_B = L_HOUR + 6;
export const L_SUS_R = L_HOUR + 7;
/** Reads per bucket, and the hour's peak window count. */
export const L_CNT = L_HOUR + 8;
export const L_PEAK_C = L_CNT + BUCKETS;
export const L_PAIRS = L_PEAK_C + 1;
/** Profile: [n, mean B, var B, mean R, var R, envelopes B, R, their hour, hour-of-day (n, mean B)×24, pairs (hash24, n, mean, envelope)×slots]. */
export const P_N = 0;
export const P_MB = 1;
export const P_VB = 2;
export const P_MR = 3;
export const P_VR = 4;
/** Decayed envelopes (log10 of the highest hourly peak, falling `envelope_decay` decades a day) and their hour. */
export const P_EB = 5;
export const P_ER = 6;
export const P_EH = 7;
/** Mean and variance of the hourly peak number of reads in a window. */
export const P_MC = 8;
export const P_VC = 9;
export const P_HOD = 10;
export const P_PAIRS = P_HOD + 48;

/**
 * Role: [n, mean log10 B, var log10 B, mean log10 R, var log10 R, mean B, mean R, n cv,
 * cv² B, cv² R, n reads, pooled within-principal variance of log10 bytes per read].
 */
export const ROLE_LEN = 12;

/** The values are the Float32Arrays themselves (one indirection less per lookup). */
export type Live = Float32Array;
export type Profile = Float32Array;

// Float32 holds bucket and hour indices exactly (< 2^24) and sums to 7 digits; the value in
// memory is the Float32Array itself, so a restored state continues bit for bit.
export const liveCodec = (len: number): StateCodec<Live> => ({
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF32(json as string, len),
});
export const profileCodec = (len: number): StateCodec<Profile> => ({
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF32(json as string, len),
});
export const roleCodec: StateCodec<Float64Array> = {
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF64(json as string, ROLE_LEN),
};
