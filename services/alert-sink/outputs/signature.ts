/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/): the key is the base64
 * after "whsec_"; the signature is "v1," + base64 HMAC-SHA256 of "<id>.<timestamp>.<body>",
 * with the timestamp in whole seconds. Signing the id and timestamp with the body is what
 * stops replays: a receiver rejects old timestamps and ids it has seen. Each attempt is
 * signed afresh (new timestamp, same id), so a retry after an hour-long outage is not
 * refused as stale.
 */
import { createHash, createHmac } from 'node:crypto';
import type { DeliveryItem } from '../delivery/types.ts';

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): SignatureHeaders {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${mac}`,
  };
}

/**
 * The webhook-id of a request: the alert's idempotency id for one alert; for a bulk request,
 * a digest of its items' ids, so a retry of the same request carries the same id.
 */
export function messageId(items: readonly DeliveryItem[]): string {
  if (items.length === 1) return items[0]!.id;
  const digest = createHash('sha256');
  for (const item of items) digest.update(item.id).update('\n');
  return `batch_${digest.digest('hex').slice(0, 32)}`;
}
