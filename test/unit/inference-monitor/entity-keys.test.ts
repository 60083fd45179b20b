import { describe, expect, it } from 'vitest';
import { modelVersionKey, principalModelKey } from '../../../services/inference-monitor/entity-keys.ts';

describe('entity keys', () => {
  it('keep the changelog key format', () => {
    expect(principalModelKey('alice@acme', 'fraud-v2')).toBe('8:fraud-v2|alice@acme');
    expect(modelVersionKey('fraud-v2', '1.0.3')).toBe('fraud-v2@1.0.3');
    expect(modelVersionKey('fraud-v2', '')).toBe('fraud-v2@');
  });

  it('cannot collide through a separator inside an id', () => {
    expect(principalModelKey('c', 'a|b')).not.toBe(principalModelKey('b|c', 'a'));
  });

  it('return the same string for an entity, whatever string object its parts arrive in', () => {
    const a = principalModelKey(['bob', 'acme'].join('@'), 'm1');
    const b = principalModelKey(['bob', 'acme'].join('@'), ['m', '1'].join(''));
    expect(b).toBe(a);
    expect(b).toBe('2:m1|bob@acme');
  });

  it('stay correct for a principal on many models', () => {
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 40; i++)
        expect(principalModelKey('svc', `model-${i}`)).toBe(`${`model-${i}`.length}:model-${i}|svc`);
  });

  it('stay correct beyond the cache bound', () => {
    for (let i = 0; i < 70_000; i++)
      expect(principalModelKey(`p${i}`, `m${i % 7}`)).toBe(`2:m${i % 7}|p${i}`);
    expect(principalModelKey('p1', 'm1')).toBe('2:m1|p1');
  });
});
