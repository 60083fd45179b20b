import { describe, expect, it } from 'vitest';
import { propertyName, toolId } from '../../../services/inference-monitor/property-keys.ts';

describe('property keys', () => {
  it('keep the ids of known tools and destinations', () => {
    expect(toolId('tool', 'search_docs')).toBe('t:search_docs');
    expect(toolId('destination', 'https://x.example/a')).toBe('d:https://x.example/a');
    expect(toolId('tool', 'x')).not.toBe(toolId('destination', 'x'));
  });

  it('hand out one instance per content, equal to the input', () => {
    const a = propertyName(['alice', 'acme'].join('@'));
    expect(propertyName(['alice', 'acme'].join('@'))).toBe(a);
    expect(a).toBe('alice@acme');
  });

  it('stay correct beyond the cache bound', () => {
    for (let i = 0; i < 20_000; i++) {
      expect(propertyName(`p${i}`)).toBe(`p${i}`);
      expect(toolId('tool', `t${i}`)).toBe(`t:t${i}`);
    }
  });
});
