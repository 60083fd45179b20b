/**
 * access.volume's finding: the volume read (in the window, in one read, or from one
 * resource this hour) against its expected value, the edge of the expected range, the
 * role floor and the envelope, with the tail probabilities that decided.
 */
import type { AccessEvent } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import { clampScore, fmt, fmtBytes, severityOf } from '../access-common.ts';
import type { VolumeConfig } from './volume-config.ts';

/** A test that passed: what the finding reports. */
export interface VolumeTest {
  statistic: string;
  kind: 'bytes' | 'records';
  observed: number;
  expected: number;
  upper: number;
  surprise: number;
  roleFloor: number;
  envelope: number;
  reads?: number;
  countSurprise?: number;
  resource?: string;
}

/** The finding of the test that decided (the most surprising one that passed). */
export function volumeFinding(c: VolumeConfig, e: AccessEvent, role: string, t: VolumeTest): Finding {
  const ratio = t.observed / t.expected;
  const score = clampScore(45 + 5 * (t.surprise - c.surprise_threshold) + 10 * Math.log10(ratio));
  const show = (x: number): string => (t.kind === 'bytes' ? fmtBytes(x) : `${fmt(x)} records`);
  const single = t.statistic.includes('one read');
  const scope = t.resource === undefined ? '' : ` from ${t.resource}`;
  const window = single
    ? 'per read'
    : t.resource === undefined
      ? `${c.window_minutes} min sliding, largest read excluded`
      : 'clock hour, principal × resource, largest read excluded';
  const what = single ? 'in one read' : t.resource === undefined ? `in ${c.window_minutes} min` : 'this hour';
  return {
    entity: { type: 'principal', id: e.principal },
    severity: severityOf(score),
    score,
    title: `Unusual read volume by ${e.principal}${scope}`,
    description:
      `${e.principal} (role ${role}) read ${show(t.observed)}${scope} ${what}, ` +
      `${fmt(ratio)}× its expected ${show(t.expected)} (alert above ${show(t.upper)}, role floor ${show(t.roleFloor)}); ` +
      `tail p = 1e-${fmt(t.surprise)}.`,
    explanation: {
      statistic: t.statistic,
      observed: t.observed,
      expected: t.expected,
      expected_range: [0, t.upper],
      threshold: `-log10 p >= ${single ? c.single_read_surprise : c.surprise_threshold}, >= ${c.min_ratio}x expected, above the role floor`,
      window,
      surprise_log10: t.surprise,
      ratio,
      role,
      role_floor: t.roleFloor,
      envelope: t.envelope,
      ...(t.reads === undefined ? {} : { reads: t.reads, reads_surprise_log10: t.countSurprise }),
      unit: t.kind,
      ...(t.resource === undefined ? {} : { resource: t.resource }),
    },
    techniques: ['T1530', 'T1213'],
    // One alert per principal episode: window, single-read and per-resource findings merge.
    episodeKey: 'volume',
  };
}
