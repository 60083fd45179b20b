/**
 * Scoped rules: matching (globs, entity exact/prefix/regex, tenant, site/zone, fields),
 * effects in the processor (skip_alert learns, skip_learning does not, set_severity), event
 * time for expiry and calendars, and a run-time rule change applied with state kept.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACCESS_DETECTORS } from '../../../services/access-monitor/detectors/index.ts';
import { CalendarSet } from '../../../shared/calendar/calendar-set.ts';
import type { Alert, VigilEvent } from '../../../shared/events/types.ts';
import { defineDetector } from '../../../shared/pipeline/detector.ts';
import { Processor } from '../../../shared/pipeline/processor.ts';
import { resolveDetectors } from '../../../shared/pipeline/registry.ts';
import { ruleSchema, ruleReferenceProblems, type RuleConfig } from '../../../shared/pipeline/rule-schema.ts';
import { RuleBook, RuleCounts, compileRule, type CompiledRule } from '../../../shared/pipeline/rules.ts';
import { EventClock, accessEvent, badgeEvent, inferenceEvent, upsEvent } from '../../harness/events.ts';

const calendars = CalendarSet.fromConfig({
  night: { timezone: 'Europe/Paris', windows: [{ rrule: 'FREQ=DAILY', start: '22:00', end: '06:00' }] },
});

function rule(fields: Partial<RuleConfig> & Pick<RuleConfig, 'match'>): CompiledRule {
  const parsed = ruleSchema.parse({ id: 'r', reason: 'test', effect: 'skip_alert', ...fields });
  return compileRule(parsed, calendars);
}

/** Counts each principal's events; a finding at the `at`-th one (so learning shows). */
const counting = defineDetector({
  id: 'test.count',
  eventType: 'access',
  category: 'access',
  description: 'test',
  config: { at: z.number().default(3).describe('n') },
  create(config, state) {
    const counts = state.keyed<number>('count');
    return {
      update(event) {
        const n = (counts.peek(event.principal) ?? 0) + 1;
        counts.put(event.principal, n);
        if (n !== config.at) return null;
        return {
          entity: { type: 'principal', id: event.principal },
          severity: 'high',
          score: 70,
          title: `${n} events`,
          description: `${event.principal} reached ${n} events`,
          explanation: { statistic: 'count', observed: n, expected: 0, threshold: config.at, window: 'all' },
        };
      },
    };
  },
});

function run(book: RuleBook, events: VigilEvent[]): { processor: Processor; alerts: Alert[] } {
  const detectors = resolveDetectors([...ACCESS_DETECTORS, counting], {});
  const processor = new Processor(detectors, {
    rules: book,
    environment: { calendars, sites: undefined as never },
  });
  const changed = new Map<string, Alert>();
  processor.process(events, 0, changed);
  return { processor, alerts: [...changed.values()] };
}

describe('rule matching', () => {
  const clock = new EventClock(Date.parse('2026-03-02T12:00:00Z'));
  const access = accessEvent(clock, { principal: 'svc-etl-7', tenant: 'acme', action: 'export' });
  const ups = upsEvent(clock, { site: 'par1', zone: 'power-a', device_id: 'ups-par1-power-a-1' });

  it('globs on detector ids', () => {
    const r = rule({ match: { detectors: ['access.*', 'facility.?etric'] } });
    expect(['access.cross_tenant', 'facility.metric'].map((id) => r.appliesToDetector(id))).toEqual([
      true,
      true,
    ]);
    expect(r.appliesToDetector('inference.behavior')).toBe(false);
    expect(rule({ match: { tenant: 'acme' } }).appliesToDetector('anything')).toBe(true);
  });

  it('entity exact, prefix, regex and type', () => {
    const entity = { type: 'principal' as const, id: 'svc-etl-7' };
    expect(rule({ match: { entity: { id: 'svc-etl-7' } } }).matchesEntity(entity)).toBe(true);
    expect(rule({ match: { entity: { id: { prefix: 'svc-etl-' } } } }).matchesEntity(entity)).toBe(true);
    expect(rule({ match: { entity: { id: { regex: '^svc-etl-\\d+$' } } } }).matchesEntity(entity)).toBe(true);
    expect(rule({ match: { entity: { type: 'model', id: { prefix: 'svc' } } } }).matchesEntity(entity)).toBe(
      false,
    );
    expect(rule({ match: { entity: { type: ['model', 'principal'] } } }).matchesEntity(entity)).toBe(true);
  });

  it('the entities an event names (for skip_learning): device, zone as site/zone, site', () => {
    expect(rule({ match: { entity: { type: 'zone', id: 'par1/power-a' } } }).matchesEventEntities(ups)).toBe(
      true,
    );
    expect(
      rule({ match: { entity: { type: 'device', id: { prefix: 'ups-par1' } } } }).matchesEventEntities(ups),
    ).toBe(true);
    expect(rule({ match: { entity: { type: 'model' } } }).matchesEventEntities(inferenceEvent(clock))).toBe(
      true,
    );
    expect(
      rule({ match: { entity: { type: 'badge', id: 'b-1' } } }).matchesEventEntities(badgeEvent(clock)),
    ).toBe(true);
    expect(rule({ match: { entity: { id: 'svc-etl-7' } } }).matchesEventEntities(ups)).toBe(false);
  });

  it('tenant, site, zone and any field by dotted path', () => {
    expect(rule({ match: { tenant: ['globex', 'acme'] } }).matchesEvent(access)).toBe(true);
    expect(rule({ match: { site: 'par1', zone: { prefix: 'power-' } } }).matchesEvent(ups)).toBe(true);
    expect(rule({ match: { site: 'par1' } }).matchesEvent(access)).toBe(false);
    expect(rule({ match: { fields: { action: 'export', bytes: 1024 } } }).matchesEvent(access)).toBe(true);
    expect(rule({ match: { fields: { 'metrics.load_pct': 40 } } }).matchesEvent(ups)).toBe(true);
    expect(rule({ match: { fields: { 'metrics.nope.deeper': 40 } } }).matchesEvent(ups)).toBe(false);
  });

  it('expiry and calendars are judged on event time', () => {
    const r = rule({ match: { tenant: 'acme' }, expires: '2026-03-02T12:00:00Z' });
    expect(r.inForce(Date.parse('2026-03-02T11:59:59Z'))).toBe(true);
    expect(r.inForce(Date.parse('2026-03-02T12:00:00Z'))).toBe(false);
    const night = rule({ match: { tenant: 'acme' }, calendar: 'night' });
    expect(night.inForce(Date.parse('2026-03-02T22:30:00Z'))).toBe(true); // 23:30 Paris
    expect(night.inForce(Date.parse('2026-03-02T12:00:00Z'))).toBe(false);
  });
});

describe('rule validation', () => {
  it('lists every problem with its path', () => {
    const result = ruleSchema.safeParse({
      id: 'bad id',
      reason: ' ',
      effect: 'set_severity',
      match: { entity: { id: { regex: '(' } }, fields: { 'a..b': 1 } },
      expires: 'soon',
    });
    const messages = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual([
      'id: rule ids are 1–128 of letters, digits, _.:-',
      'reason: say why the rule exists',
      'severity: set_severity needs a severity',
      'expires: expected an RFC 3339 date-time, e.g. 2026-06-30T00:00:00Z',
      'match.fields.a..b: a field name or dotted path, e.g. prediction.label',
      expect.stringMatching(/^match\.entity\.id\.regex: not a valid regular expression/),
    ]);
    const semantic = ruleSchema.safeParse({
      id: 'x',
      reason: 'y',
      effect: 'set_severity',
      match: { entity: { id: { regex: '(' } } },
      expires: 'soon',
    });
    expect(semantic.error!.issues.map((i) => i.path.join('.'))).toEqual([
      'severity',
      'expires',
      'match.entity.id.regex',
    ]);
    expect(ruleSchema.safeParse({ id: 'x', reason: 'y', effect: 'skip_alert', match: {} }).success).toBe(
      false,
    );
  });

  it('references: duplicate ids, unknown calendars, globs that match no detector', () => {
    const rules = [
      ruleSchema.parse({ id: 'a', reason: 'r', effect: 'skip_alert', match: { detectors: ['acess.*'] } }),
      ruleSchema.parse({
        id: 'a',
        reason: 'r',
        effect: 'skip_alert',
        match: { tenant: 't' },
        calendar: 'nope',
      }),
    ];
    const problems = ruleReferenceProblems(rules, {
      calendars: (n) => calendars.has(n),
      detectorIds: ['access.cross_tenant'],
    });
    expect(problems.map((p) => `${p.path.join('.')}: ${p.message}`)).toEqual([
      '0.match.detectors.0: matches no detector (known: access.cross_tenant)',
      '1.id: duplicate rule id "a"',
      '1.calendar: no calendar named "nope" in calendars:',
    ]);
  });
});

describe('rules in the processor', () => {
  const clock = new EventClock(Date.parse('2026-03-02T12:00:00Z'));
  const events = (principal: string, n: number, extra: Partial<Parameters<typeof accessEvent>[1]> = {}) =>
    Array.from({ length: n }, () => accessEvent(clock.advance(1000), { principal, ...extra }));
  const compiled = (r: Record<string, unknown>) =>
    compileRule(ruleSchema.parse({ reason: 'test', ...r }), calendars);

  it('skip_alert: the detector learns, nothing is raised, the suppression is counted', () => {
    const book = new RuleBook([
      compiled({ id: 'quiet-etl', effect: 'skip_alert', match: { entity: { id: 'etl' } } }),
    ]);
    const { processor, alerts } = run(book, [...events('etl', 3), ...events('bob', 3)]);
    expect(alerts.map((a) => a.entity.id)).toEqual(['bob']);
    expect(processor.drainRuleCounts()).toEqual([
      { rule: 'quiet-etl', detector: 'test.count', effect: 'skip_alert', n: 1 },
    ]);
    // It learned: after the rule is gone, the 4th event does not reach the 3rd count again.
    book.replace([]);
    const changed = new Map<string, Alert>();
    processor.process(events('etl', 1), 0, changed);
    expect(changed.size).toBe(0);
  });

  it('skip_learning: the matching detectors never see the event; others do', () => {
    const book = new RuleBook([
      compiled({
        id: 'bad-actor',
        effect: 'skip_learning',
        match: { detectors: ['test.*'], entity: { type: 'principal', id: 'eve' } },
      }),
    ]);
    const input = events('eve', 3, { resource_tenant: 'globex' });
    const { processor, alerts } = run(book, input);
    // cross_tenant still saw eve; the counting detector did not.
    expect(alerts.map((a) => a.detector)).toEqual(['access.cross_tenant']);
    expect(processor.drainRuleCounts()).toEqual([
      { rule: 'bad-actor', detector: 'test.count', effect: 'skip_learning', n: 3 },
    ]);
    // Removing the rule at run time: the baseline starts from zero, not from 3 events.
    book.replace([]);
    const changed = new Map<string, Alert>();
    processor.process(events('eve', 2), 0, changed);
    expect([...changed.values()].filter((a) => a.detector === 'test.count')).toEqual([]);
    processor.process(events('eve', 1), 0, changed);
    expect([...changed.values()].filter((a) => a.detector === 'test.count')).toHaveLength(1);
  });

  it('set_severity re-grades before min_severity; skips win; the first set_severity applies', () => {
    const book = new RuleBook([
      compiled({
        id: 'low',
        effect: 'set_severity',
        severity: 'low',
        match: { detectors: ['access.cross_tenant'] },
      }),
      compiled({ id: 'info', effect: 'set_severity', severity: 'info', match: { detectors: ['*'] } }),
      compiled({ id: 'mute-mallory', effect: 'skip_alert', match: { entity: { id: 'mallory' } } }),
    ]);
    const { alerts } = run(book, [
      ...events('eve', 1, { resource_tenant: 'globex' }),
      ...events('mallory', 3, { resource_tenant: 'globex' }),
    ]);
    expect(alerts.map((a) => `${a.detector} ${a.entity.id} ${a.severity}`)).toEqual([
      'access.cross_tenant eve low',
    ]);
  });

  it('a rule limited to a calendar applies only inside its windows (event time)', () => {
    const book = new RuleBook([
      compiled({ id: 'night', effect: 'skip_alert', calendar: 'night', match: { detectors: ['access.*'] } }),
    ]);
    const night = new EventClock(Date.parse('2026-03-02T22:00:00Z'));
    const day = new EventClock(Date.parse('2026-03-03T12:00:00Z'));
    const { alerts } = run(book, [
      accessEvent(night, { principal: 'n', resource_tenant: 'globex' }),
      accessEvent(day, { principal: 'd', resource_tenant: 'globex' }),
    ]);
    expect(alerts.map((a) => a.entity.id)).toEqual(['d']);
  });

  it('counts reset when drained', () => {
    const counts = new RuleCounts();
    counts.add('a', 'd', 'skip_alert');
    counts.add('a', 'd', 'skip_alert');
    expect(counts.drain()).toEqual([{ rule: 'a', detector: 'd', effect: 'skip_alert', n: 2 }]);
    expect(counts.drain()).toEqual([]);
  });
});
