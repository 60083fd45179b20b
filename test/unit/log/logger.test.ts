import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/log/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('redacts secrets wherever they are put in a log object', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'info' }, stream);
    log.info(
      {
        password: 'pw-1',
        clickhouse: { password: 'pw-2' },
        req: { headers: { authorization: 'Bearer key-3' } },
        webhook: { secret: 'whsec_hmac-4', token: 'tok-7', headers: { 'x-token': 'tok-5' } },
        webhooks: [{ name: 'soc', secret: 'whsec_sec-8', token: 'tok-9' }],
        apiKey: 'key-6',
        keep: 'visible',
      },
      'hello',
    );
    const out = lines.join('');
    for (const secret of ['pw-1', 'pw-2', 'key-3', 'hmac-4', 'tok-5', 'key-6', 'tok-7', 'sec-8', 'tok-9'])
      expect(out).not.toContain(secret);
    expect(out).toContain('visible');
    expect(out).toContain('[redacted]');
  });
});
