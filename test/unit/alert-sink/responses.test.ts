import { describe, expect, it } from 'vitest';
import type { DeliveryItem } from '../../../services/alert-sink/delivery/types.ts';
import { bulkOutcome } from '../../../services/alert-sink/outputs/elastic-bulk.ts';
import { classifyStatus, outcomeOf } from '../../../services/alert-sink/outputs/http-status.ts';
import { channelFor } from '../../../services/alert-sink/outputs/splunk-ack.ts';
import { ackUrl, hecOutcome } from '../../../services/alert-sink/outputs/splunk-hec.ts';
import { alert } from '../../fixtures/alerts/sample-alerts.ts';

const items = (n: number): DeliveryItem[] =>
  Array.from({ length: n }, (_, i) => ({
    alert: alert({ alert_id: String(i).padStart(32, '0') }),
    id: `${i}:1`,
    source: { topic: 't', partition: 0, offset: String(i) },
    key: null,
    raw: Buffer.from('{}'),
  }));

const answer = (status: number, body = '', retryAfter: string | null = null) => ({
  status,
  body,
  retryAfter,
});

describe('HTTP status classes', () => {
  it('retries 408/425/429/5xx, holds on config errors, dead-letters other 4xx', () => {
    expect([200, 204].map(classifyStatus)).toEqual(['ok', 'ok']);
    expect([408, 425, 429, 500, 503].map(classifyStatus)).toEqual(Array(5).fill('retry'));
    expect([401, 403, 404, 407].map(classifyStatus)).toEqual(Array(4).fill('config'));
    expect([400, 409, 413, 422].map(classifyStatus)).toEqual(Array(4).fill('reject'));
  });

  it('passes Retry-After on and keeps the body of a refusal', () => {
    const list = items(1);
    expect(outcomeOf(answer(429, '', '3'), list, 0).retry).toMatchObject({ retryAfterMs: 3000 });
    expect(outcomeOf(answer(422, 'bad'), list, 0).rejected).toEqual([
      { items: list, status: 422, excerpt: 'bad' },
    ]);
  });
});

describe('Splunk HEC codes', () => {
  it('holds on token, index and channel problems instead of dead-lettering', () => {
    for (const [status, code] of [
      [403, 4],
      [401, 2],
      [400, 7],
      [400, 10],
    ] as const) {
      const outcome = hecOutcome(answer(status, JSON.stringify({ text: 'x', code })), items(2), 0);
      expect(outcome.retry?.items).toHaveLength(2);
      expect(outcome.rejected).toBeUndefined();
    }
  });

  it('retries busy servers honouring Retry-After, dead-letters bad data', () => {
    expect(
      hecOutcome(answer(503, '{"text":"Server is busy","code":9}', '5'), items(1), 0).retry,
    ).toMatchObject({
      retryAfterMs: 5000,
    });
    expect(
      hecOutcome(answer(400, '{"text":"No data","code":5}'), items(2), 0).rejected?.[0]?.items,
    ).toHaveLength(2);
  });

  it('splits at invalid-event-number: earlier indexed, that one refused, later sent again', () => {
    const list = items(4);
    const outcome = hecOutcome(
      answer(400, '{"text":"Invalid data format","code":6,"invalid-event-number":1}'),
      list,
      0,
    );
    expect(outcome.rejected?.[0]?.items).toEqual([list[1]]);
    expect(outcome.retry?.items).toEqual([list[2], list[3]]);
  });

  it('finds the ack endpoint and derives a stable channel GUID', () => {
    expect(ackUrl('https://splunk:8088/services/collector/event?x=1')).toBe(
      'https://splunk:8088/services/collector/ack',
    );
    expect(channelFor('soc')).toBe(channelFor('soc'));
    expect(channelFor('soc')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('Elastic _bulk answers', () => {
  it('reads per-item statuses: 201/409 done, 429 again, 400 refused', () => {
    const list = items(4);
    const body = JSON.stringify({
      errors: true,
      items: [
        { create: { status: 201 } },
        { create: { status: 409, error: { type: 'version_conflict_engine_exception' } } },
        { create: { status: 429, error: { type: 'es_rejected_execution_exception' } } },
        { create: { status: 400, error: { type: 'document_parsing_exception', reason: 'bad' } } },
      ],
    });
    const outcome = bulkOutcome(answer(200, body), list, 0);
    expect(outcome.retry?.items).toEqual([list[2]]);
    expect(outcome.rejected).toEqual([
      { items: [list[3]], status: 400, excerpt: '{"type":"document_parsing_exception","reason":"bad"}' },
    ]);
    expect(bulkOutcome(answer(200, '{"errors":false,"items":[]}'), list, 0)).toEqual({});
  });
});
