/**
 * Reading Elastic's `_bulk` answer. HTTP 200 does not mean every document was indexed: each
 * item has its own status. Per item: 2xx indexed; 409 the `_id` exists already, i.e. an
 * earlier delivery got there (delivered); 429 and 5xx try again; any other status refuses
 * that document (dead-letter with its error). A non-200 answer for the whole request is
 * classified like any HTTP answer.
 */
import type { DeliveryItem, Rejection, SendOutcome } from '../delivery/types.ts';
import { classifyStatus, outcomeOf, type HttpAnswer } from './http-status.ts';

interface BulkItem {
  status?: number;
  error?: unknown;
}

interface BulkReply {
  errors?: boolean;
  items?: Array<Record<string, BulkItem>>;
}

export function bulkOutcome(answer: HttpAnswer, items: DeliveryItem[], nowMs: number): SendOutcome {
  if (classifyStatus(answer.status) !== 'ok') return outcomeOf(answer, items, nowMs);
  let reply: BulkReply;
  try {
    reply = JSON.parse(answer.body) as BulkReply;
  } catch {
    return { retry: { items, kind: 'status', reason: 'unreadable _bulk answer' } };
  }
  if (reply.errors !== true) return {};
  const results = reply.items ?? [];
  if (results.length !== items.length) {
    return {
      retry: { items, kind: 'status', reason: `_bulk answered ${results.length} items for ${items.length}` },
    };
  }
  const retry: DeliveryItem[] = [];
  const rejected: Rejection[] = [];
  results.forEach((result, i) => {
    const item = items[i]!;
    const entry = Object.values(result)[0] ?? {};
    const status = entry.status ?? 0;
    if ((status >= 200 && status < 300) || status === 409) return;
    if (status === 429 || status >= 500 || status === 0) retry.push(item);
    else rejected.push({ items: [item], status, excerpt: JSON.stringify(entry.error ?? entry) });
  });
  return {
    ...(retry.length > 0 && {
      retry: { items: retry, kind: 'status' as const, reason: '_bulk items 429/5xx' },
    }),
    ...(rejected.length > 0 && { rejected }),
  };
}
