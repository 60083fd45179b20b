import { describe, expect, it } from 'vitest';
import type { Alert, FacilityEvent } from '../../../shared/events/types.ts';
import type { DetectorEnvironment } from '../../../shared/pipeline/environment.ts';
import { PartitionedRun } from '../../../shared/pipeline/partitioned-run.ts';
import { resolveDetectors } from '../../../shared/pipeline/registry.ts';
import { cyberPhysicalCorrelation } from '../../../services/facility-monitor/detectors/correlation.ts';
import { FACILITY_DETECTORS } from '../../../services/facility-monitor/detectors/index.ts';
import { worldEnvironment } from '../../harness/facility-environment.ts';
import { badge, defaultEnvironment, facilityWorld, merged, MINUTE } from './helpers.ts';

const all = resolveDetectors(FACILITY_DETECTORS, {});
// facility.metric is the costliest part and has its own tests; most cases here need only
// state and silence alerts as the facility half.
const detectors = all.filter((d) => d.definition.id !== 'facility.metric');

/** The facility-monitor as live: partitioned by site/zone, batches of `chunk` events. */
function run(
  events: FacilityEvent[],
  env: DetectorEnvironment = defaultEnvironment(),
  chunk = 500,
  with_ = detectors,
): Alert[] {
  const p = new PartitionedRun(with_, { environment: env, allowedLatenessMs: 3_600_000 });
  const alerts = new Map<string, Alert>();
  events.forEach((e, i) => {
    p.add(e);
    if ((i + 1) % chunk === 0) p.flush(0, alerts);
  });
  p.flush(0, alerts);
  return [...alerts.values()];
}

const correlations = (alerts: Alert[]) => alerts.filter((a) => a.detector === 'cyber_physical.correlation');

describe('cyber_physical.correlation', { timeout: 120_000 }, () => {
  it('is registered as a correlating detector with its keys defaulted', () => {
    expect(FACILITY_DETECTORS).toContain(cyberPhysicalCorrelation);
    expect(cyberPhysicalCorrelation.config.parse({})).toMatchObject({
      window_minutes: 60,
      denied_then_granted_minutes: 5,
    });
  });

  it('turns the power-room intrusion into one critical alert citing both halves', () => {
    const { events, sim } = facilityWorld(2, [{ name: 'power-room-intrusion', start: '+1d1h' }]);
    const alerts = run(events, defaultEnvironment(), 500, all);
    const found = correlations(alerts);
    expect(found).toHaveLength(1);
    const c = found[0]!;
    expect(c).toMatchObject({ severity: 'critical', entity: { type: 'zone', id: 'fra1/power-room' } });
    const byId = new Map(alerts.map((a) => [a.alert_id, a]));
    const parts = c.related.map((id) => byId.get(id)!);
    expect(parts.every((p) => p !== undefined)).toBe(true);
    expect(parts.some((p) => p.detector === 'physical.badge' && p.evidence['kind'] === 'forced')).toBe(true);
    expect(
      parts.some(
        (p) => p.detector === 'facility.state' && p.evidence.statistic === 'config_hash change rule',
      ),
    ).toBe(true);
    const timeline = c.evidence['timeline'] as Array<{ half: string; kind: string; alert_id: string }>;
    expect(timeline[0]).toMatchObject({ half: 'physical', kind: 'forced' });
    expect(timeline.some((t) => t.half === 'facility')).toBe(true);
    expect(c.techniques).toEqual(expect.arrayContaining(['T0836', 'T0837']));
    const start = Date.parse(sim.labels[0]!.start);
    expect(Date.parse(c.first_seen)).toBeGreaterThan(start);
    expect(Date.parse(c.first_seen)).toBeLessThan(start + 15 * MINUTE);
    expect(c.description).toMatch(/followed \d+\.\d min later/);
  });

  it('still correlates an intrusion timed inside a maintenance window, citing the change by its event', () => {
    const { events, sim } = facilityWorld(2, [
      { name: 'benign-maintenance', start: '+1d1h' },
      { name: 'power-room-intrusion', start: '+1d1h20m' },
    ]);
    const alerts = run(events, worldEnvironment(sim.world));
    // Planned work excuses the change: facility.state raises nothing in the window…
    expect(alerts.filter((a) => a.detector === 'facility.state')).toEqual([]);
    // …but not the forced door before it.
    const found = correlations(alerts);
    expect(found).toHaveLength(1);
    const timeline = found[0]!.evidence['timeline'] as Array<{
      half: string;
      alert_id: string | null;
      title: string;
    }>;
    const facility = timeline.filter((t) => t.half === 'facility');
    expect(facility.length).toBeGreaterThan(0);
    expect(facility.every((t) => t.alert_id === null)).toBe(true);
    expect(found[0]!.related.length).toBeGreaterThanOrEqual(1);
  });

  it('gives the same alerts whatever the batch boundaries', () => {
    const { events } = facilityWorld(2, [{ name: 'power-room-intrusion', start: '+1d1h' }]);
    const strip = (as: Alert[]) =>
      as.map((a) => ({ ...a, detected_at: '' })).sort((x, y) => x.alert_id.localeCompare(y.alert_id));
    expect(strip(run(events, defaultEnvironment(), 97))).toEqual(
      strip(run(events, defaultEnvironment(), 5000)),
    );
  });

  it('says nothing of a facility anomaly without a physical sign, or a sign without an anomaly', () => {
    const { events } = facilityWorld(2, [
      { name: 'cooling-failure', start: '+1d1h' },
      { name: 'ups-silent', start: '+1d10h' },
    ]);
    expect(correlations(run(events))).toEqual([]);
    const forced = badge(Date.parse('2026-03-03T03:00:00Z'), {
      site: 'fra1',
      zone: 'hall-2',
      badge_id: 'no-badge',
      result: 'forced',
    });
    const alerts = run(merged(facilityWorld(2, []).events, [forced]));
    expect(alerts.map((a) => a.detector)).toEqual(['physical.badge']);
  });

  it('wants the sign first: an anomaly already under way before a forced door does not count', () => {
    const { events, sim } = facilityWorld(2, [{ name: 'ups-silent', start: '+1d10h' }]);
    const start = Date.parse(sim.labels[0]!.start);
    const forced = badge(start + 30 * MINUTE, {
      site: 'fra1',
      zone: 'hall-2',
      badge_id: 'no-badge',
      result: 'forced',
    });
    expect(correlations(run(merged(events, [forced])))).toEqual([]);
    // The same door forced before the UPS fell silent does correlate (silence is a facility anomaly).
    const before = { ...forced, event_id: 'forced-before', ts: start - 5 * MINUTE };
    const found = correlations(run(merged(events, [before])));
    expect(found).toHaveLength(1);
    expect(found[0]!.entity.id).toBe('fra1/hall-2');
  });

  it('counts a door that denied and then granted as a sign, read from the events', () => {
    const { events, sim } = facilityWorld(2, [{ name: 'ups-silent', start: '+1d10h' }]);
    const start = Date.parse(sim.labels[0]!.start);
    const at = { site: 'fra1', zone: 'hall-2' };
    const signs = [
      badge(start - 4 * MINUTE, { ...at, badge_id: 'B7', result: 'denied' }),
      badge(start - 3 * MINUTE, { ...at, badge_id: 'B8', result: 'granted' }),
    ];
    const found = correlations(run(merged(events, signs)));
    expect(found).toHaveLength(1);
    const timeline = found[0]!.evidence['timeline'] as Array<{ kind: string; alert_id: string | null }>;
    expect(timeline[0]).toMatchObject({ kind: 'denied_then_granted', alert_id: null });
  });

  it('restored state gives the same alerts as a run that never stopped', () => {
    const { events } = facilityWorld(2, [{ name: 'power-room-intrusion', start: '+1d1h' }]);
    const env = defaultEnvironment();
    const whole = run(events, env);
    // Stop just after the forced door, move every partition's state through its records.
    const cut = events.findIndex((e) => e.kind === 'badge' && e.result === 'forced') + 1;
    const first = new PartitionedRun(detectors, { environment: env, allowedLatenessMs: 3_600_000 });
    const alerts = new Map<string, Alert>();
    for (const e of events.slice(0, cut)) first.add(e);
    first.flush(0, alerts);
    const second = new PartitionedRun(detectors, { environment: env, allowedLatenessMs: 3_600_000 });
    for (const [slot, p] of first.entries())
      second.processor(slot).load(JSON.parse(JSON.stringify(p.exportState())));
    for (const e of events.slice(cut)) second.add(e);
    second.flush(0, alerts);
    const key = (as: Alert[]) =>
      as.map((a) => `${a.alert_id} ${a.event_count} ${a.related.join(',')}`).sort();
    expect(key([...alerts.values()])).toEqual(key(whole));
  });

  it('keeps well under 2 KB per zone', () => {
    const { events } = facilityWorld(2, [{ name: 'power-room-intrusion', start: '+1d1h' }]);
    const p = new PartitionedRun(detectors, { environment: defaultEnvironment() });
    for (const e of events) p.add(e);
    p.flush(0, new Map());
    const records = [...p.entries()].flatMap(([, x]) => x.exportState());
    const zones = records.filter((r) => r.key.startsWith('cyber_physical.correlation/zones|'));
    expect(zones.length).toBeGreaterThan(0);
    for (const r of zones) expect(r.key.length + (r.value?.length ?? 0)).toBeLessThan(2048);
  });
});
