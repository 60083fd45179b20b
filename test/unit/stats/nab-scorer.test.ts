import { describe, expect, it } from 'vitest';
import {
  probationLength,
  scaledSigmoid,
  scoreCorpus,
  windowsFor,
} from '../../fixtures/univariate/nab-scorer.ts';

const zeros = (n: number): number[] => Array.from({ length: n }, () => 0);

describe('NAB-style scorer', () => {
  it('builds NAB windows (10 % of the rows over the labels) and the probation period', () => {
    expect(windowsFor(1000, [500])).toEqual([{ start: 450, end: 550 }]);
    expect(windowsFor(1000, [500, 800])).toEqual([
      { start: 475, end: 525 },
      { start: 775, end: 825 },
    ]);
    expect(probationLength(1000)).toBe(150);
    expect(probationLength(10_000)).toBe(750);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 4);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(4)).toBe(-1);
  });
  it('scores 100 for a detection at the window start, 0 for none, and about 50 at the window end', () => {
    const early = zeros(1000);
    early[450] = 1;
    expect(scoreCorpus([{ name: 'a', scores: early, labels: [500] }]).score).toBeCloseTo(100, 6);
    expect(scoreCorpus([{ name: 'a', scores: zeros(1000), labels: [500] }]).score).toBe(0);
    const late = zeros(1000);
    late[550] = 1;
    // Credit ≈ 0 at the end of the window: raw ≈ 0, halfway between null −1 and perfect +1.
    const credit = scaledSigmoid(-1 / 101) / scaledSigmoid(-1);
    expect(scoreCorpus([{ name: 'a', scores: late, labels: [500] }]).score).toBeCloseTo(50 * (1 + credit), 9);
  });
  it('charges false positives and picks the best single threshold', () => {
    const s = zeros(1000);
    s[500] = 0.6; // the anomaly
    s[300] = 0.9; // a confident false positive before any window: −0.11
    const r = scoreCorpus([{ name: 'a', scores: s, labels: [500] }]);
    expect(r.threshold).toBe(0.6);
    const credit = scaledSigmoid(-(550 - 500 + 1) / 101) / scaledSigmoid(-1);
    expect(r.raw).toBeCloseTo(credit - 0.11, 9);
    // Detections inside the probation period are not scored.
    const p = zeros(1000);
    p[10] = 1;
    p[450] = 0.5;
    expect(scoreCorpus([{ name: 'a', scores: p, labels: [500] }]).score).toBeCloseTo(100, 6);
  });
  it('drops a first window that starts inside the probation period, as NAB labeler.py does', () => {
    // n = 1000: probation 150 rows; windows of 50 rows around 160 and 700.
    expect(windowsFor(1000, [160, 700])).toEqual([{ start: 675, end: 725 }]);
    // Only the first window is checked; overlapping windows are merged.
    expect(windowsFor(1000, [500, 520])).toEqual([{ start: 475, end: 545 }]);
    const s = zeros(1000);
    s[700] = 1;
    expect(scoreCorpus([{ name: 'a', scores: s, labels: [160, 700] }]).score).toBeGreaterThan(0);
  });
  it('charges an FP well behind a window the full A_FP, as NAB does at position ≥ 3', () => {
    expect(scaledSigmoid(3)).toBe(-1);
    expect(scaledSigmoid(2.99)).toBeGreaterThan(-1);
  });
});
