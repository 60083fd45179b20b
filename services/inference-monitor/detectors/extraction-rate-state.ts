/**
 * inference.extraction.rate's state and its changelog codec: a principal × model's last
 * hour in 10-minute slots and its own hourly-count profile (48 bins: hour of day, weekday
 * or weekend) with the rule that learns it, and a model's peers, a forgetting log₂
 * histogram of the hourly counts of its principal-hours (plain JSON).
 */
import type { StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { packBuffer, unpackBuffer } from '../packed.ts';

export const SLOTS = 6;
export const BINS = 48;
export const PEER_BINS = 16;

/**
 * One principal × model, in one buffer (so a changelog record is one base64 string):
 * scalars and the last hour's slots as float64, the profile as float32, the samples per
 * bin as bytes.
 */
export interface PrincipalRate {
  buf: ArrayBuffer;
  /** FIRST, HOUR, HOUR_COUNT, SLOT, then COUNTS (6) and LOGPROBS (6). */
  f: Float64Array;
  /** Hourly-count profile: hour of day × (weekday, weekend). */
  profile: Float32Array;
  /** Samples per profile bin (capped at 255). */
  samples: Uint8Array;
}

export const FIRST = 0;
export const HOUR = 1;
export const HOUR_COUNT = 2;
export const SLOT = 3;
export const COUNTS = 4;
export const LOGPROBS = COUNTS + SLOTS;
const SCALARS = LOGPROBS + SLOTS;
const PROFILE_AT = SCALARS * 8;
const SAMPLES_AT = PROFILE_AT + BINS * 4;
const BYTES = SAMPLES_AT + BINS;

export function rateState(buf = new ArrayBuffer(BYTES)): PrincipalRate {
  return {
    buf,
    f: new Float64Array(buf, 0, SCALARS),
    profile: new Float32Array(buf, PROFILE_AT, BINS),
    samples: new Uint8Array(buf, SAMPLES_AT, BINS),
  };
}

function principalRateText(s: PrincipalRate): string {
  return `{"v":1,"b":"${packBuffer(s.buf)}"}`;
}

export const principalRateCodec: StateCodec<PrincipalRate> = {
  encodeText: principalRateText,
  encode: (s) => JSON.parse(principalRateText(s)) as unknown,
  decode: (json) => {
    const j = json as { v: unknown; b: unknown };
    if (j.v !== 1) throw new TypeError(`rate state version ${String(j.v)}`);
    return rateState(unpackBuffer(j.b, BYTES));
  },
};

export interface PeerHistogram {
  v: 1;
  /** Decayed weight of principal-hours with count in [2^b, 2^(b+1)). */
  w: number[];
  /** Decayed number of principal-hours. */
  n: number;
}

/** The profile bin of an hour (hours since the epoch): its hour of day, weekday or weekend. */
export function binOf(hour: number): number {
  const day = Math.floor(hour / 24);
  // 1970-01-01 was a Thursday: day 2 is a Saturday.
  const dow = (((day + 4) % 7) + 7) % 7; // 0 = Sunday
  const weekend = dow === 0 || dow === 6 ? 1 : 0;
  return weekend * 24 + (((hour % 24) + 24) % 24);
}

/** Folds hour `h`'s count into its profile bin. */
export function learnHour(s: PrincipalRate, alpha: number, h: number, count: number): void {
  const b = binOf(h);
  const n = Math.min(255, (s.samples[b] as number) + 1);
  s.samples[b] = n;
  const a = Math.max(alpha, 1 / n);
  s.profile[b] = (s.profile[b] as number) + a * (count - (s.profile[b] as number));
}
