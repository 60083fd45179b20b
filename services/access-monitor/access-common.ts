/**
 * What the access-monitor's statistical detectors share: the peer group of a principal,
 * sensitivity ranks, the severity scale, number formatting, and the partition's first
 * event time (which tells principals present since monitoring began from ones that
 * appeared later — a new hire, a new job).
 */
import type { AccessEvent, Sensitivity, Severity } from '../../shared/events/types.ts';
import type { DetectorState, KeyedState } from '../../shared/pipeline/keyed-state.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Peer group: the event's `role`, else its `principal_type`, else "unknown". */
export function roleOf(e: AccessEvent): string {
  return e.role ?? e.principal_type ?? 'unknown';
}

const RANK: Readonly<Record<Sensitivity, number>> = {
  public: 0,
  internal: 1,
  confidential: 2,
  restricted: 3,
};
export const SENSITIVITY_NAMES: readonly Sensitivity[] = ['public', 'internal', 'confidential', 'restricted'];

/** 0 public … 3 restricted; an event without a sensitivity counts as internal. */
export function sensitivityRank(e: AccessEvent): number {
  return e.sensitivity === undefined ? 1 : RANK[e.sensitivity];
}

/** Severity from a 0–100 score, one scale for every access detector. */
export function severityOf(score: number): Severity {
  if (score >= 90) return 'critical';
  if (score >= 75) return 'high';
  if (score >= 55) return 'medium';
  if (score >= 35) return 'low';
  return 'info';
}

export function clampScore(x: number): number {
  return Math.max(1, Math.min(99, Math.round(x)));
}

/** 1.2 GB, 340 MB, 12 kB — decimal units, three significant digits. */
export function fmtBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let u = 0;
  let x = n;
  while (Math.abs(x) >= 1000 && u < units.length - 1) {
    x /= 1000;
    u++;
  }
  return `${x >= 100 || u === 0 ? Math.round(x) : x.toPrecision(3)} ${units[u]}`;
}

export function fmt(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(digits)).toString();
}

/**
 * The event time of the first event this detector saw in its partition, kept in a pinned
 * store so a restored detector agrees with one that never stopped.
 */
export class PartitionStart {
  private readonly store: KeyedState<number>;
  constructor(state: DetectorState) {
    this.store = state.keyed<number>('partition', { pinned: true, idleTtlMs: Number.POSITIVE_INFINITY });
  }

  /** The first event time, recording `t` when this is the first event. */
  observe(t: number): number {
    const first = this.store.peek('first');
    if (first !== undefined) return first;
    this.store.put('first', t);
    return t;
  }
}

/**
 * x such that surprise(x) ≈ target, for a surprise that grows with x, by bisection in log
 * space between `lo` and `hi` (the edge of an expected range, for the explanation).
 */
export function invertSurprise(
  surprise: (x: number) => number,
  target: number,
  lo: number,
  hi: number,
): number {
  let a = Math.max(lo, 1e-9);
  let b = Math.max(hi, a * 2);
  for (let i = 0; i < 60 && surprise(b) < target; i++) b *= 4;
  for (let i = 0; i < 50; i++) {
    const m = Math.sqrt(a * b);
    if (surprise(m) >= target) b = m;
    else a = m;
    if (b / a < 1.001) break;
  }
  return b;
}
