/**
 * access.rare_resource's state: a principal's first-seen set with its activity days, a
 * role's first-seen set with its generation start, and their changelog codecs.
 */
import type { StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { AgingBloom, type AgingBloomState } from '../../../shared/stats/aging-bloom.ts';
import { arrayText, numberText } from '../state-text.ts';

/** Per principal: [first seen, last active day, active days, generation start] and its sets. */
export interface Known {
  m: Float64Array;
  set: AgingBloom;
}
export interface RoleKnown {
  start: number;
  set: AgingBloom;
}

/** Compact: [first seen, last day, active days, generation start, bits, hashes, added, current, previous]. */
export const knownCodec: StateCodec<Known> = {
  encode: (v) => {
    const s = v.set.snapshot();
    return [...v.m, s.bits, s.hashes, s.added, s.current, s.previous];
  },
  encodeText: (v) => {
    const s = v.set.snapshot();
    return arrayText([...v.m, s.bits, s.hashes, s.added], `"${s.current}"`, `"${s.previous}"`);
  },
  decode: (json) => {
    const j = json as [number, number, number, number, number, number, number, string, string];
    const s: AgingBloomState = { v: 1, bits: j[4], hashes: j[5], added: j[6], current: j[7], previous: j[8] };
    return { m: Float64Array.of(j[0], j[1], j[2], j[3]), set: AgingBloom.restore(s) };
  },
};
export const roleCodec: StateCodec<RoleKnown> = {
  encode: (v) => ({ t: v.start, s: v.set.snapshot() }),
  encodeText: (v) => {
    const s = v.set.snapshot();
    // Joined, so the kept text is flat (see arrayText).
    return [
      `{"t":${numberText(v.start)}`,
      `"s":{"v":${s.v}`,
      `"bits":${s.bits}`,
      `"hashes":${s.hashes}`,
      `"current":"${s.current}"`,
      `"previous":"${s.previous}"`,
      `"added":${s.added}}}`,
    ].join(',');
  },
  decode: (json) => {
    const j = json as { t: number; s: AgingBloomState };
    return { start: j.t, set: AgingBloom.restore(j.s) };
  },
};
