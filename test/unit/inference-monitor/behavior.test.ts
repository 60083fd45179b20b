import { describe, expect, it } from 'vitest';
import { behavior } from '../../../services/inference-monitor/detectors/behavior.ts';
import type { InferenceEvent } from '../../../shared/events/types.ts';
import { EMPTY_ENVIRONMENT } from '../../../shared/pipeline/environment.ts';
import { PartitionState } from '../../../shared/pipeline/partition-state.ts';
import {
  alertsOf,
  during,
  expectSameFindingsAfterRestarts,
  inferenceWorld,
  label,
  stateBytes,
} from './helpers.ts';

const MINUTE = 60_000;
const hijack = inferenceWorld({ seed: 43, days: 4, size: 'small', scenarios: ['agent-hijack'] });
const quiet = inferenceWorld({ seed: 44, days: 4, size: 'small', scenarios: 'none' });

/** `count` copies of `principal`'s requests to `model`, in the hour from `at`, altered by `change`. */
function burst(
  world: { events: InferenceEvent[] },
  at: number,
  count: number,
  template: InferenceEvent,
  change: (e: InferenceEvent, i: number) => InferenceEvent,
): InferenceEvent[] {
  const extra = Array.from({ length: count }, (_, i) =>
    change({ ...template, event_id: `burst-${i}`, ts: at + Math.round((i * 60 * MINUTE) / count) }, i),
  );
  return [...world.events, ...extra].sort((a, b) => a.ts - b.ts);
}

const day3 = (w: { events: InferenceEvent[] }): number => w.events[0]!.ts + 3 * 86_400_000 + 10 * 3_600_000;

describe('inference.behavior', () => {
  it('finds the hijacked agent: a first-seen external destination and prompt-injection flags', () => {
    const l = label(hijack, 'agent-hijack');
    const alerts = alertsOf(behavior, hijack.events).filter((a) => a.entity.id === l.entity.id);
    const destination = alerts.find((a) => a.evidence.statistic === 'first-seen destination after learning')!;
    expect(destination).toBeDefined();
    expect(during(l, Date.parse(destination.first_seen), 0)).toBe(true);
    expect(destination.severity).toBe('critical');
    expect(destination.evidence).toMatchObject({
      external: true,
      new_to_model_peers: true,
      tool: 'http_post',
    });
    expect(destination.techniques).toEqual(['AML.T0086', 'AML.T0051']);
    expect(alerts.some((a) => a.evidence.statistic === 'first-seen tool after learning')).toBe(true);
    const flags = alerts.find((a) => String(a.evidence.statistic).includes('flagged'));
    expect(flags?.evidence['flags']).toEqual(['prompt_injection']);
    expect(flags?.techniques).toContain('AML.T0051');
  });

  it('reads only its own names: a destination called `constructor` is still new to its peers', () => {
    const l = label(hijack, 'agent-hijack');
    const renamed = hijack.events.map((e) =>
      e.tool_calls?.some((c) => c.destination !== undefined && /paste|attacker|drop/.test(c.destination))
        ? {
            ...e,
            tool_calls: e.tool_calls.map((c) =>
              c.destination === undefined ? c : { ...c, destination: 'constructor' },
            ),
          }
        : e,
    );
    const alerts = alertsOf(behavior, renamed).filter((a) => a.entity.id === l.entity.id);
    const destination = alerts.find((a) => a.evidence.statistic === 'first-seen destination after learning');
    // A single-label host counts as internal; what matters is that no peer "had" it.
    expect(destination?.evidence).toMatchObject({ new_to_model_peers: true });
  });

  it('tells external destinations from internal ones', () => {
    const d = behavior.create(
      behavior.config.parse({}) as Parameters<typeof behavior.create>[0],
      new PartitionState().namespace('inference.behavior'),
      EMPTY_ENVIRONMENT,
    ) as unknown as { isExternal(d: string): boolean };
    for (const internal of [
      'warehouse.internal',
      'https://search.internal.example/q',
      'acme/vector-index/kb-3',
      'http://10.2.3.4:8080/x',
      'https://[fd00::1]/x',
      'svc.cluster.local',
      'localhost:9200',
    ])
      expect(d.isExternal(internal), internal).toBe(false);
    for (const external of [
      'https://paste-drop.example.net/u/8f3a1c',
      'api.attacker.io',
      'http://203.0.113.9/x',
    ])
      expect(d.isExternal(external), external).toBe(true);
  });

  it('finds a refusal burst against the principal’s own rate (binomial tail)', () => {
    const user = quiet.events.find((e) => e.input_tokens !== undefined && !e.principal.startsWith('agent'))!;
    const events = burst(quiet, day3(quiet), 40, user, (e) => ({
      ...e,
      status: 'refused',
      policy_flags: ['jailbreak'],
    }));
    const alerts = alertsOf(behavior, events).filter((a) => a.entity.id === user.principal);
    const refused = alerts.find((a) => String(a.evidence.statistic).includes('refused'))!;
    expect(refused).toBeDefined();
    expect(refused.evidence['rate_baseline'] as number).toBeLessThan(0.05);
    expect(refused.evidence['surprise_log10'] as number).toBeGreaterThanOrEqual(7);
    expect(refused.techniques).toEqual(['AML.T0054']);
  });

  it('finds a model-wide error burst and names the model', () => {
    const llm = quiet.events.find((e) => e.input_tokens !== undefined)!;
    const start = day3(quiet);
    const events = quiet.events.map((e) =>
      e.model_id === llm.model_id &&
      e.ts >= start &&
      e.ts < start + 60 * MINUTE &&
      e.event_id.endsWith('0') === false
        ? { ...e, status: 'error' as const }
        : e,
    );
    const model = alertsOf(behavior, events).filter(
      (a) => a.entity.type === 'model' && a.entity.id === llm.model_id,
    );
    expect(model.some((a) => String(a.evidence.statistic).includes('error'))).toBe(true);
  });

  it('finds a run of long answers against the principal’s own token usage', () => {
    const agent = quiet.events.find((e) => e.principal.startsWith('agent') && e.output_tokens !== undefined)!;
    const events = burst(quiet, day3(quiet), 60, agent, (e) => ({
      ...e,
      output_tokens: 6000,
      tool_calls: undefined,
    }));
    const spikes = alertsOf(behavior, events).filter((a) => a.evidence['metric'] === 'output_tokens');
    expect(spikes.map((a) => a.entity)).toEqual([{ type: 'principal', id: agent.principal }]);
    const ev = spikes[0]!.evidence;
    expect(ev.statistic).toMatch(/z-test/);
    expect(ev['z'] as number).toBeGreaterThanOrEqual(6);
    expect(ev.observed as number).toBeGreaterThan(2 * (ev.expected as number));
    expect(spikes[0]!.techniques).toEqual(['AML.T0034']);
  });

  it('stays quiet on normal traffic, agents’ usual tools included', () => {
    expect(alertsOf(behavior, quiet.events)).toEqual([]);
  });

  it('gives the same findings after restarts as a run that never stopped', () => {
    expectSameFindingsAfterRestarts(behavior, hijack.events);
  });

  it('keeps ≤ 2 KiB per principal × model', () => {
    const bytes = stateBytes(behavior, hijack.events);
    expect(bytes['inference.behavior/principals']!.maxBytes).toBeLessThanOrEqual(2048);
  });
});
