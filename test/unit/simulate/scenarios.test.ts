import { describe, expect, it } from 'vitest';
import type { VigilEvent } from '../../../shared/events/types.ts';
import type { Label } from '../../../shared/simulate/label.ts';
import { SCENARIOS } from '../../../shared/simulate/scenarios/index.ts';
import { simulate, MAX_CLOCK_SKEW_MS } from '../../../shared/simulate/simulate.ts';

const CATALOGUE = new Set([
  'inference.extraction.rate',
  'inference.extraction.prada',
  'inference.extraction.probing',
  'inference.drift.output',
  'inference.drift.input',
  'inference.behavior',
  'access.volume',
  'access.bulk_export',
  'access.rare_resource',
  'access.off_hours',
  'access.denied_burst',
  'access.cross_tenant',
  'facility.metric',
  'facility.state',
  'facility.silence',
  'physical.badge',
  'cyber_physical.correlation',
]);

/** Does the event belong to the labelled entity? */
function matches(label: Label, e: VigilEvent): boolean {
  const id = label.entity.id;
  switch (label.entity.type) {
    case 'principal':
      return (e.type === 'inference' || e.type === 'access') && e.principal === id;
    case 'model':
      return e.type === 'inference' && e.model_id === id;
    case 'device':
      return e.type === 'facility' && e.kind !== 'badge' && e.device_id === id;
    case 'zone':
      return e.type === 'facility' && `${e.site}/${e.zone}` === id;
    case 'badge':
      return e.type === 'facility' && e.kind === 'badge' && e.badge_id === id;
    default:
      return false;
  }
}

describe('scenarios', () => {
  const sim = simulate({ seed: 21, days: 6, size: 'small', scenarios: 'all', tagScenarioEvents: true });
  const byName = new Map<string, VigilEvent[]>();
  const silentDeviceEvents: VigilEvent[] = [];
  const silent = sim.labels.find((l) => l.name === 'ups-silent');
  for (const e of sim.events) {
    const tag = e['sim_scenario'];
    if (typeof tag === 'string') byName.set(tag, [...(byName.get(tag) ?? []), e]);
    if (silent !== undefined && matches(silent, e)) silentDeviceEvents.push(e);
  }

  it('labels every scenario once, with catalogue detector ids', () => {
    expect(sim.labels.map((l) => l.name)).toEqual(SCENARIOS.map((s) => s.name));
    for (const l of sim.labels) {
      expect(l.detectors.length).toBeGreaterThan(0);
      for (const d of l.detectors) expect(CATALOGUE.has(d), `${l.name}: ${d}`).toBe(true);
      expect(Date.parse(l.start)).toBeLessThan(Date.parse(l.end));
      expect(Date.parse(l.start)).toBeGreaterThanOrEqual(sim.startMs);
      expect(Date.parse(l.end)).toBeLessThanOrEqual(sim.endMs);
      expect(sim.world.tenants.map((t) => t.id)).toContain(l.tenant);
    }
    expect(sim.labels.filter((l) => l.benign === true).map((l) => l.name)).toEqual([
      'benign-nightly-job',
      'benign-new-employee',
      'benign-maintenance',
      'benign-model-rollout',
    ]);
  });

  it("puts each scenario's events inside its labelled window, on the labelled entity", () => {
    for (const l of sim.labels) {
      if (l.name === 'ups-silent') continue;
      const events = byName.get(l.name) ?? [];
      expect(events.length, l.name).toBeGreaterThan(0);
      const start = Date.parse(l.start) - MAX_CLOCK_SKEW_MS;
      const end = Date.parse(l.end) + MAX_CLOCK_SKEW_MS;
      for (const e of events) {
        expect(e.ts >= start && e.ts <= end, `${l.name} event at ${new Date(e.ts).toISOString()}`).toBe(true);
        expect(matches(l, e), `${l.name} entity ${l.entity.id}`).toBe(true);
      }
    }
  });

  it('silences the UPS for exactly its window', () => {
    expect(silent).toBeDefined();
    const s = Date.parse(silent?.start ?? '');
    const e = Date.parse(silent?.end ?? '');
    const inside = silentDeviceEvents.filter(
      (x) => x.ts > s + MAX_CLOCK_SKEW_MS && x.ts < e - MAX_CLOCK_SKEW_MS,
    );
    expect(inside).toEqual([]);
    expect(silentDeviceEvents.some((x) => x.ts < s)).toBe(true);
    expect(silentDeviceEvents.some((x) => x.ts > e)).toBe(true);
  });

  it('shapes each attack as described', () => {
    const ev = (n: string): VigilEvent[] => byName.get(n) ?? [];
    const infer = (n: string) => ev(n).filter((e) => e.type === 'inference');
    expect(infer('extraction-harvest').every((e) => e.logprobs_requested === true)).toBe(true);
    expect(infer('agent-hijack').every((e) => e.tool_calls?.[0]?.tool === 'http_post')).toBe(true);
    expect(infer('agent-hijack').some((e) => e.policy_flags?.includes('prompt_injection'))).toBe(true);
    const access = (n: string) => ev(n).filter((e) => e.type === 'access');
    expect(access('denied-burst').every((e) => e.outcome === 'denied')).toBe(true);
    expect(access('cross-tenant-read').every((e) => e.resource_tenant !== e.tenant)).toBe(true);
    expect(access('secret-night-read').every((e) => e.resource_type === 'secret')).toBe(true);
    expect(
      access('vector-bulk-export').every((e) => e.action === 'export' && e.resource_type === 'vector_index'),
    ).toBe(true);
    const exfil = access('exfil-service-account').reduce((s, e) => s + (e.bytes ?? 0), 0);
    expect(exfil).toBeGreaterThan(20e9);
    const intrusion = ev('power-room-intrusion');
    expect(intrusion.some((e) => e.type === 'facility' && e.kind === 'badge' && e.result === 'forced')).toBe(
      true,
    );
    expect(intrusion.some((e) => e.type === 'facility' && e.kind === 'ups' && e.state === 'bypass')).toBe(
      true,
    );
    expect(
      intrusion.some((e) => e.type === 'facility' && e.kind === 'ups' && e.config_hash === 'deadbeef'),
    ).toBe(true);
    const travel = ev('badge-impossible-travel');
    expect(new Set(travel.map((e) => (e.type === 'facility' ? e.site : '')))).toHaveProperty('size', 2);
    const maint = ev('benign-maintenance');
    expect(maint.every((e) => e.type === 'facility' && e.kind === 'ups' && e.state === 'maintenance')).toBe(
      true,
    );
    expect(sim.world.maintenance).toHaveLength(1);
  });

  it('accepts parameters and rejects unknown ones', () => {
    const s = simulate({
      seed: 2,
      days: 2,
      scenarios: [{ name: 'denied-burst', start: '+1d13h', duration: '5m', intensity: 2 }],
      tagScenarioEvents: true,
    });
    expect(s.labels[0]?.start).toBe('2026-03-03T13:00:00.000Z');
    expect(s.labels[0]?.end).toBe('2026-03-03T13:05:00.000Z');
    const n = [...s.events].filter((e) => e['sim_scenario'] === 'denied-burst').length;
    expect(n).toBeGreaterThan(100);
    expect(() => simulate({ scenarios: [{ name: 'denied-burst', params: { nope: 1 } }] })).toThrow(
      /unknown parameter/,
    );
    expect(() => simulate({ scenarios: 'no-such-scenario' })).toThrow(/unknown scenario/);
    expect(() => simulate({ scenarios: [{ name: 'ups-silent', target: 'ups-nowhere' }] })).toThrow(
      /no ups device/,
    );
  });
});
