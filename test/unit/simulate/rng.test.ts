import { describe, expect, it } from 'vitest';
import { hash32 } from '../../../shared/simulate/rng.ts';

describe('hash32', () => {
  it('is pinned: simulated streams and the PRADA detector’s per-event draws depend on its values', () => {
    expect(hash32('')).toBe(2872998923);
    expect(hash32('a')).toBe(444641715);
    expect(hash32('e1f-2944')).toBe(604673378);
    expect(hash32('acme/alice')).toBe(2811773459);
  });
});
