/**
 * Per-detector quality of one backtest run (DESIGN.md §6 `vigil backtest --json`):
 * - alerts: alerts the detector raised;
 * - precision: true alerts / (true + false alerts); null without labels or alerts;
 * - recall: attack labels naming the detector that it detected / all of them; null when no
 *   label names it;
 * - median_delay_minutes: from a label's start to the first alert detecting it; null when
 *   none was detected;
 * - false_alerts_per_day: false alerts per day of event time covered by the input.
 * A true alert detects an attack label (matching.ts). A false alert, with complete labels,
 * matches no attack label at all; with partial labels (triage feedback), it matches a
 * false-positive mark. Without labels every alert counts as false: nothing vouches for it.
 */
import type { Alert } from '../events/types.ts';
import type { LabelSet } from './labels.ts';
import { DEFAULT_GRACE_MS, detects, inWindow, sameEntity } from './matching.ts';

export interface DetectorMetrics {
  alerts: number;
  precision: number | null;
  recall: number | null;
  median_delay_minutes: number | null;
  false_alerts_per_day: number;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function detectorMetrics(
  detectorIds: readonly string[],
  alerts: readonly Alert[],
  labelSet: LabelSet | undefined,
  spanMs: number,
  graceMs = DEFAULT_GRACE_MS,
): Record<string, DetectorMetrics> {
  const days = Math.max(spanMs, 3_600_000) / 86_400_000;
  const labels = labelSet?.labels ?? [];
  const attacks = labels.filter((l) => l.benign !== true);
  const isFalse = (a: Alert): boolean => {
    if (labelSet === undefined) return true;
    if (labelSet.complete) return !attacks.some((l) => sameEntity(a, l) && inWindow(a, l, graceMs));
    return labels.some((l) => l.benign === true && detects(a, l, graceMs));
  };
  const out: Record<string, DetectorMetrics> = {};
  for (const id of detectorIds) {
    const mine = alerts.filter((a) => a.detector === id);
    const expected = attacks.filter((l) => (l.detectors as readonly string[]).includes(id));
    const truePositives = mine.filter((a) => expected.some((l) => detects(a, l, graceMs))).length;
    const falsePositives = mine.filter(isFalse).length;
    const delays: number[] = [];
    for (const label of expected) {
      const starts = mine.filter((a) => detects(a, label, graceMs)).map((a) => Date.parse(a.first_seen));
      if (starts.length > 0) delays.push((Math.min(...starts) - Date.parse(label.start)) / 60_000);
    }
    const judged = truePositives + falsePositives;
    out[id] = {
      alerts: mine.length,
      precision: labelSet === undefined || judged === 0 ? null : round(truePositives / judged, 4),
      recall: expected.length === 0 ? null : round(delays.length / expected.length, 4),
      median_delay_minutes: delays.length === 0 ? null : round(median(delays)!, 2),
      false_alerts_per_day: round(falsePositives / days, 3),
    };
  }
  return out;
}
