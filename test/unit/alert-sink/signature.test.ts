import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { messageId, signWebhook } from '../../../services/alert-sink/outputs/signature.ts';
import type { DeliveryItem } from '../../../services/alert-sink/delivery/types.ts';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

describe('Standard Webhooks signatures', () => {
  it('verify with the reference implementation', () => {
    const body = JSON.stringify({ type: 'alert.created', data: { alert_id: 'x' } });
    const now = Math.floor(Date.now() / 1000);
    const headers = signWebhook(secret, 'a1:3', now, body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toBe(new Webhook(secret).sign('a1:3', new Date(now * 1000), body));
  });

  it('fail on a changed body, id or a stale timestamp', () => {
    const body = '{"a":1}';
    const now = Math.floor(Date.now() / 1000);
    const headers = signWebhook(secret, 'a1:3', now, body);
    const wh = new Webhook(secret);
    expect(() => wh.verify('{"a":2}', { ...headers })).toThrow();
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'a1:4' })).toThrow();
    const stale = signWebhook(secret, 'a1:3', now - 3600, body);
    expect(() => wh.verify(body, { ...stale })).toThrow();
  });

  it('ids a bulk request by its items, the same on every retry', () => {
    const item = (id: string) => ({ id }) as DeliveryItem;
    expect(messageId([item('a:1')])).toBe('a:1');
    expect(messageId([item('a:1'), item('b:2')])).toBe(messageId([item('a:1'), item('b:2')]));
    expect(messageId([item('a:1'), item('b:2')])).not.toBe(messageId([item('a:1'), item('b:3')]));
  });
});
