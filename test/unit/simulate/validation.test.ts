import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../../shared/events/validate.ts';
import { EventSerializer } from '../../../shared/simulate/ndjson.ts';
import { simulate, MAX_CLOCK_SKEW_MS } from '../../../shared/simulate/simulate.ts';

/** JSON with keys sorted at every level, so key order does not matter. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('simulated events follow the event contract', () => {
  it('every event of every scenario passes validateEvent, as NDJSON line and in memory', () => {
    const sim = simulate({ seed: 3, days: 4, size: 'small', scenarios: 'all', tagScenarioEvents: true });
    const ser = new EventSerializer();
    const failures: string[] = [];
    const ids = new Set<string>();
    const perScenario = new Map<string, number>();
    let count = 0;
    let maxTs = 0;
    let maxBack = 0;
    for (const e of sim.events) {
      count++;
      const line = ser.line(e);
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const ts = parsed['ts'] as string;
      if (!RFC3339_MS.test(ts) || Date.parse(ts) !== e.ts) failures.push(`bad ts ${ts} for ${e.ts}`);
      // The hand-written serializer must write the same JSON as JSON.stringify (in contract key order).
      if (canonical(parsed) !== canonical({ ...e, ts })) failures.push(`serializer differs: ${line}`);
      const fromLine = validateEvent(parsed);
      const inMemory = validateEvent(JSON.parse(JSON.stringify(e)));
      if (!fromLine.ok) failures.push(fromLine.reason);
      if (!inMemory.ok) failures.push(inMemory.reason);
      ids.add(e.event_id);
      const tag = e['sim_scenario'];
      if (typeof tag === 'string') perScenario.set(tag, (perScenario.get(tag) ?? 0) + 1);
      maxBack = Math.max(maxBack, maxTs - e.ts);
      maxTs = Math.max(maxTs, e.ts);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(ids.size).toBe(count);
    expect(maxBack).toBeGreaterThan(0); // some events arrive slightly out of order …
    expect(maxBack).toBeLessThanOrEqual(MAX_CLOCK_SKEW_MS); // … but only by the clock jitter
    for (const label of sim.labels) {
      if (label.name === 'ups-silent') continue; // its evidence is the absence of events
      expect(perScenario.get(label.name) ?? 0, label.name).toBeGreaterThan(0);
    }
  }, 60_000);

  it('covers every event type, facility kind, principal type, resource type and sensitivity', () => {
    const sim = simulate({ seed: 9, days: 2, size: 'small', scenarios: 'all' });
    const seen = new Set<string>();
    for (const e of sim.events) {
      if (e.type === 'facility') seen.add(`kind:${e.kind}`);
      if (e.type === 'access') {
        seen.add(`pt:${e.principal_type}`);
        seen.add(`rt:${e.resource_type}`);
        seen.add(`s:${e.sensitivity}`);
      }
      if (e.type === 'inference') seen.add(`status:${e.status}`);
    }
    for (const k of ['kind:ups', 'kind:cooling', 'kind:badge', 'pt:user', 'pt:service', 'pt:agent'])
      expect(seen).toContain(k);
    for (const s of ['public', 'internal', 'confidential', 'restricted']) expect(seen).toContain(`s:${s}`);
    for (const r of [
      'dataset',
      'model_artifact',
      'vector_index',
      'feature_store',
      'secret',
      'log',
      'prompt_store',
    ])
      expect(seen).toContain(`rt:${r}`);
    for (const s of ['ok', 'error', 'refused', 'rate_limited']) expect(seen).toContain(`status:${s}`);
    const w = sim.world;
    expect(w.tenants.length).toBeGreaterThanOrEqual(2);
    expect(new Set(w.models.map((m) => m.kind))).toEqual(
      new Set(['classifier', 'llm', 'embedding', 'search']),
    );
    expect(new Set(w.resources.map((r) => `${r.type}/${r.sensitivity}`)).size).toBe(32);
    for (const site of w.sites) {
      expect(site.zones.map((z) => z.kind)).toEqual(
        expect.arrayContaining(['hall', 'power_room', 'network_room', 'cage']),
      );
      for (const z of site.zones) expect(z.devices.map((d) => d.kind).sort()).toEqual(['cooling', 'ups']);
    }
    expect(new Set(w.badges.map((b) => b.role))).toEqual(
      new Set(['staff', 'facilities', 'contractor', 'security']),
    );
  });
});
