import { describe, expect, it } from 'vitest';
import { toDeadLetter } from '../../../shared/bus/dlq.ts';

describe('toDeadLetter', () => {
  it('keeps the original key and bytes and names the source and reason', () => {
    const raw = Buffer.from([0x7b, 0xff, 0x00, 0x7d]);
    const letter = toDeadLetter({
      raw,
      key: 'm-1',
      topic: 'vigil.inference',
      partition: 2,
      offset: '77',
      reason: 'invalid JSON',
      failedAt: new Date(0),
    });
    expect(letter.key).toBe('m-1');
    expect(JSON.parse(letter.value.toString())).toEqual({
      reason: 'invalid JSON',
      source: { topic: 'vigil.inference', partition: 2, offset: '77' },
      original_base64: raw.toString('base64'),
      failed_at: '1970-01-01T00:00:00.000Z',
    });
  });

  it('handles a message without key or value', () => {
    const letter = toDeadLetter({
      raw: null,
      key: null,
      topic: 't',
      partition: 0,
      offset: '0',
      reason: 'empty',
    });
    expect(letter.key).toBeNull();
    expect((JSON.parse(letter.value.toString()) as { original_base64: string }).original_base64).toBe('');
  });
});
