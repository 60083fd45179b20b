import { describe, expect, it } from 'vitest';
import { deadLetterMessage } from '../../../shared/pipeline/dead-letter.ts';

describe('deadLetterMessage', () => {
  it('keeps the original key and bytes, and names the source and the reason', () => {
    const raw = Buffer.from([0x7b, 0xff, 0x00, 0x7d]);
    const letter = deadLetterMessage(
      raw,
      Buffer.from('m-1'),
      { topic: 'vigil.inference', partition: 2, offset: '77' },
      'message: invalid JSON',
      0,
    );
    expect(letter.key).toBe('m-1');
    const value = JSON.parse(letter.value.toString());
    expect(value).toEqual({
      reason: 'message: invalid JSON',
      source: { topic: 'vigil.inference', partition: 2, offset: '77' },
      original_base64: raw.toString('base64'),
      failed_at: '1970-01-01T00:00:00.000Z',
    });
    expect(Buffer.from(value.original_base64, 'base64').equals(raw)).toBe(true);
  });

  it('keeps a missing key missing', () => {
    expect(
      deadLetterMessage(Buffer.alloc(0), null, { topic: 't', partition: 0, offset: '0' }, 'empty', 0).key,
    ).toBeNull();
  });
});
