/**
 * Tuning through the API against real Kafka and ClickHouse: the rules API (admin only,
 * validated with every problem listed, saved in the `rules` state space so another process
 * loads it, applied to the shared RuleBook), rule proposals drafted from a false-positive
 * mark and accepted by an admin, and triage verdicts exported as backtest labels.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApi } from '../../services/api/index.ts';
import { ALL_DETECTORS } from '../../services/cli/catalogue.ts';
import { parseLabels } from '../../shared/backtest/labels.ts';
import type { Alert } from '../../shared/events/types.ts';
import { createLogger } from '../../shared/log/logger.ts';
import { resolveDetectors } from '../../shared/pipeline/registry.ts';
import { createContext } from '../../shared/runtime/context.ts';
import { AlertWriter } from '../../shared/store/alert-writer.ts';
import { alertVerdicts } from '../../shared/store/feedback-queries.ts';
import { feedbackLabels } from '../../shared/tuning/feedback-labels.ts';
import { runConfigs } from '../../services/cli/backtest/run-configs.ts';
import { clickhouseInput } from '../../services/cli/backtest/sources.ts';
import { eventBodies } from '../../shared/store/event-range.ts';
import { EventWriter } from '../../shared/store/event-writer.ts';
import { startClickHouse, type RunningClickHouse } from '../harness/clickhouse.ts';
import { EventClock, accessEvent } from '../harness/events.ts';
import { startTestVigil, type TestVigil } from '../harness/vigil.ts';

const KEYS = { admin: 'admin-key-0001', analyst: 'analyst-key-0001' };
const auth = (role: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[role]}` });

let clickhouse: RunningClickHouse;
let vigil: TestVigil;
let app: FastifyInstance;

function alert(id: string, entity: string, firstSeen: string): Alert {
  return {
    alert_id: id.padEnd(32, '0'),
    detector: 'access.cross_tenant',
    category: 'access',
    severity: 'high',
    score: 80,
    tenant: 'acme',
    entity: { type: 'principal', id: entity },
    title: `Cross-tenant read by ${entity}`,
    description: 'd',
    first_seen: firstSeen,
    last_seen: firstSeen,
    detected_at: firstSeen,
    event_count: 1,
    evidence: {
      statistic: 's',
      observed: 'globex',
      expected: 'acme',
      threshold: 't',
      window: 'w',
      sample_event_ids: [],
    },
    techniques: [],
    related: [],
  };
}

beforeAll(async () => {
  clickhouse = await startClickHouse();
  vigil = await startTestVigil({
    brokers: inject('kafkaBrokers'),
    clickhouse,
    env: { VIGIL_API_KEYS: `${KEYS.admin}:admin,${KEYS.analyst}:analyst` },
  });
  ({ app } = await createApi(vigil.ctx));
});

afterAll(async () => {
  await app?.close();
  await vigil?.close();
  await clickhouse?.stop();
});

describe('rules API', () => {
  it('is admin only; refuses an invalid rule listing every problem; saves, applies, deletes', async () => {
    expect((await app.inject({ url: '/api/v1/rules', headers: auth('analyst') })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/v1/rules', headers: auth('admin') })).json()).toEqual({
      rules: [],
    });

    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/rules/quiet-etl',
      headers: auth('admin'),
      payload: { effect: 'set_severity', match: { detectors: ['acess.*'] }, calendar: 'nope' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual([
      // A missing key stops zod before the cross-field checks; those come once it is given.
      'rule.reason: Invalid input: expected string, received undefined',
    ]);
    const badRefs = await app.inject({
      method: 'PUT',
      url: '/api/v1/rules/quiet-etl',
      headers: auth('admin'),
      payload: { effect: 'skip_alert', reason: 'r', match: { detectors: ['acess.*'] }, calendar: 'nope' },
    });
    expect(badRefs.json().error.details).toEqual([
      'calendar: no calendar named "nope" in calendars:',
      expect.stringMatching(/^match\.detectors\.0: matches no detector/),
    ]);

    const rule = {
      reason: 'the nightly ETL exports to the shared tenant by contract',
      effect: 'skip_alert',
      match: { detectors: ['access.*'], entity: { type: 'principal', id: { prefix: 'svc-etl-' } } },
      expires: '2026-12-31T00:00:00Z',
    };
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/rules/quiet-etl',
      headers: auth('admin'),
      payload: rule,
    });
    expect(put.statusCode).toBe(201);
    expect(put.json()).toMatchObject({
      id: 'quiet-etl',
      source: 'api',
      created_by: expect.stringMatching(/^key:/),
    });
    expect(vigil.ctx.ruleBook.rules.map((r) => r.id)).toEqual(['quiet-etl']);

    // Saved in the state space: another process (a fresh context on the same topics) loads it.
    const other = await createContext({
      config: vigil.config,
      detectors: resolveDetectors(ALL_DETECTORS, {}),
      log: createLogger({ level: 'silent' }),
      clientId: 'tuning-api-other',
    });
    try {
      expect((await other.rules()).list().map((r) => r.rule.id)).toEqual(['quiet-etl']);
      expect(other.ruleBook.rules.map((r) => r.id)).toEqual(['quiet-etl']);
    } finally {
      await other.close();
    }

    const del = await app.inject({
      method: 'DELETE',
      url: '/api/v1/rules/quiet-etl',
      headers: auth('admin'),
    });
    expect(del.statusCode).toBe(204);
    expect(vigil.ctx.ruleBook.rules).toEqual([]);
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/rules/quiet-etl', headers: auth('admin') }))
        .statusCode,
    ).toBe(404);
  });
});

describe('false-positive feedback', () => {
  it('a false-positive mark drafts a rule proposal; an admin accepts it (edited) and it applies', async () => {
    const store = await vigil.ctx.store();
    const writer = new AlertWriter(store.client, vigil.config.clickhouse.database);
    const fp = alert('aa11', 'svc-report', '2026-03-02T10:00:00.000Z');
    const real = alert('bb22', 'eve', '2026-03-03T11:00:00.000Z');
    await writer.write([fp, real]);

    const mark = await app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${fp.alert_id}/actions`,
      headers: auth('analyst'),
      payload: { action: 'false_positive', note: 'reporting job reads the shared catalogue' },
    });
    expect(mark.statusCode).toBe(201);
    const proposal = mark.json().rule_proposal;
    expect(proposal).toMatchObject({
      status: 'pending',
      alert_id: fp.alert_id,
      rule: {
        effect: 'skip_alert',
        match: {
          detectors: ['access.cross_tenant'],
          entity: { type: 'principal', id: 'svc-report' },
          tenant: 'acme',
        },
        expires: '2026-04-01T10:00:00.000Z',
      },
    });
    // Not applied until accepted.
    expect(vigil.ctx.ruleBook.rules).toEqual([]);
    const resolved = await app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${real.alert_id}/actions`,
      headers: auth('analyst'),
      payload: { action: 'resolve', note: 'confirmed, credentials rotated' },
    });
    expect(resolved.json().rule_proposal).toBeUndefined();

    const listed = await app.inject({ url: '/api/v1/rule-proposals?status=pending', headers: auth('admin') });
    expect(listed.json().proposals.map((p: { proposal_id: string }) => p.proposal_id)).toEqual([
      proposal.proposal_id,
    ]);
    const accepted = await app.inject({
      method: 'POST',
      url: `/api/v1/rule-proposals/${proposal.proposal_id}/accept`,
      headers: auth('admin'),
      payload: { expires: '2026-03-20T00:00:00Z' },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', accepted_rule_id: proposal.proposal_id });
    expect(vigil.ctx.ruleBook.rules.map((r) => r.id)).toEqual([proposal.proposal_id]);
    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/rule-proposals/${proposal.proposal_id}/accept`,
      headers: auth('admin'),
    });
    expect(again.statusCode).toBe(409);

    // The verdicts as backtest labels.
    const verdicts = await alertVerdicts(store.client, vigil.config.clickhouse.database);
    const labels = parseLabels(JSON.parse(JSON.stringify(feedbackLabels(verdicts, Date.now()))));
    expect(labels.complete).toBe(false);
    expect(labels.labels.map((l) => [l.name, l.entity.id, l.benign ?? false, l.start])).toEqual([
      ['false_positive', 'svc-report', true, fp.first_seen],
      ['resolved', 'eve', false, real.first_seen],
    ]);
  });
});

describe('backtest from the events table', () => {
  it('reads a time range in event-time order, page by page, and replays it', async () => {
    const store = await vigil.ctx.store();
    const clock = new EventClock(Date.parse('2026-05-04T09:00:00Z'), 'range');
    const events = Array.from({ length: 30 }, (_, i) =>
      accessEvent(clock.advance(60_000), i === 20 ? { principal: 'mallory', resource_tenant: 'globex' } : {}),
    );
    // Stored out of order: the range reader sorts by event time.
    await new EventWriter(store.client, vigil.config.clickhouse.database).write([...events].reverse());
    const range = { fromMs: events[5]!.ts, toMs: events[29]!.ts };
    const pages: string[][] = [];
    for await (const page of eventBodies(store.client, vigil.config.clickhouse.database, range, 7))
      pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 3]);
    expect(pages.flat().map((b) => (JSON.parse(b) as { event_id: string }).event_id)).toEqual(
      events.slice(5, 29).map((e) => e.event_id),
    );
    const input = await clickhouseInput(vigil.config, range);
    try {
      const [result] = await runConfigs(input, { configs: [undefined], workers: 0 });
      expect(result!.events).toBe(24);
      expect([result!.minTs, result!.maxTs]).toEqual([events[5]!.ts, events[28]!.ts]);
      expect(result!.alerts.map((a) => `${a.detector} ${a.entity.id}`)).toEqual([
        'access.cross_tenant mallory',
      ]);
      expect(input.fraction()).toBe(1);
    } finally {
      await input.close();
    }
  });
});
