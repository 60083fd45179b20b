import { describe, expect, it } from 'vitest';
import { binomialUpperTail } from '../../../shared/stats/binomial.ts';

describe('binomialUpperTail', () => {
  it('matches exact sums (Python: sum(comb(n, j) * p**j * (1-p)**(n-j) for j in range(k, n + 1)))', () => {
    expect(binomialUpperTail(3, 10, 0.1)).toBeCloseTo(0.0701908264, 10);
    expect(binomialUpperTail(3, 3, 0.01) / 1e-6).toBeCloseTo(1, 10);
    expect(binomialUpperTail(5, 20, 0.5)).toBeCloseTo(0.9940910339355469, 12);
    expect(binomialUpperTail(3, 20, 0.01) / 0.0010035761681001173).toBeCloseTo(1, 10);
  });

  it('handles the edges', () => {
    expect(binomialUpperTail(0, 5, 0.3)).toBe(1);
    expect(binomialUpperTail(6, 5, 0.3)).toBe(0);
    expect(binomialUpperTail(2, 5, 0)).toBe(0);
    expect(binomialUpperTail(2, 5, 1)).toBe(1);
    expect(binomialUpperTail(1, 1, 0.25)).toBeCloseTo(0.25, 12);
  });

  it('keeps relative precision far in the tail', () => {
    // 10 of 10 at p = 0.01: exactly 1e-20.
    expect(binomialUpperTail(10, 10, 0.01) / 1e-20).toBeCloseTo(1, 8);
  });
});
