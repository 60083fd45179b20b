import { describe, expect, it } from 'vitest';
import type { FacilityEvent } from '../../../shared/events/types.ts';
import { FACILITY_DETECTORS } from '../../../services/facility-monitor/detectors/index.ts';
import { facilitySilence } from '../../../services/facility-monitor/detectors/silence.ts';
import { DetectorRunner } from '../../harness/detector-runner.ts';
import { facilityWorld, MINUTE } from './helpers.ts';

const runner = (overrides: Record<string, unknown> = {}) => new DetectorRunner(facilitySilence, overrides);
const inZone = (e: FacilityEvent, zone: string): boolean => `${e.site}/${e.zone}` === zone;
const devices = (events: FacilityEvent[]) => events.filter((e) => e.kind !== 'badge');

describe('facility.silence', { timeout: 120_000 }, () => {
  it('is registered, with every key defaulted', () => {
    expect(FACILITY_DETECTORS).toContain(facilitySilence);
    expect(facilitySilence.config.parse({})).toMatchObject({
      missed_intervals: 5,
      min_silence_minutes: 10,
      min_reports: 20,
      min_severity: 'low',
    });
  });

  it('stays quiet on normal telemetry (30 s, 60 s and 5 min cadences, one sloppy clock)', () => {
    const { events } = facilityWorld(2, []);
    expect(runner().findings(events)).toEqual([]);
  });

  it('finds the silent UPS once, dated to when it became overdue, on event time', () => {
    const { events, sim } = facilityWorld(2, [{ name: 'ups-silent', start: '+1d3h' }]);
    const label = sim.labels[0]!;
    const findings = runner().findings(events);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.entity).toEqual({ type: 'device', id: label.entity.id });
    expect(f.severity).toBe('medium');
    expect(f.techniques).toEqual(['T0815']);
    // Reports every 60 s: overdue after max(5 × 60 s, 10 min) = 10 min of silence.
    const start = Date.parse(label.start);
    expect(f.at).toBeGreaterThan(start + 9 * MINUTE);
    expect(f.at).toBeLessThan(start + 11 * MINUTE);
    expect(f.explanation).toMatchObject({
      statistic: 'silence in learned reporting intervals',
      zone: 'hall-2',
    });
    expect(f.explanation.expected).toBeCloseTo(1, 1);
    expect(f.sampleEventIds).toHaveLength(1);
  });

  it('raises one alert on the zone, not one per device, when a whole zone goes quiet', () => {
    const { events } = facilityWorld(2, []);
    const from = Date.parse('2026-03-03T10:00:00Z');
    const to = from + 90 * MINUTE;
    const gap = events.filter((e) => !(inZone(e, 'fra1/hall-2') && e.ts >= from && e.ts < to));
    const findings = runner().findings(gap);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      entity: { type: 'zone', id: 'fra1/hall-2' },
      severity: 'high',
      techniques: ['T0815', 'T0829'],
    });
    expect(new Set(findings[0]!.explanation['devices'] as string[])).toEqual(
      new Set(['ups-fra1-hall-2-1', 'crac-fra1-hall-2-1']),
    );
  });

  it('judges a partition that holds only the quiet zone when its reports resume', () => {
    const { events } = facilityWorld(2, []);
    const zone = devices(events).filter((e) => inZone(e, 'fra1/hall-2'));
    const from = Date.parse('2026-03-03T10:00:00Z');
    const gap = zone.filter((e) => !(e.ts >= from && e.ts < from + 90 * MINUTE));
    const findings = runner().findings(gap);
    expect(findings.map((f) => f.entity)).toEqual([{ type: 'zone', id: 'fra1/hall-2' }]);
    expect(findings[0]!.at).toBeLessThan(from + 15 * MINUTE);
  });

  it('waits for a slow zone-mate before calling a device silent, then blames the device alone', () => {
    const { events } = facilityWorld(2, []);
    // fra1/network-room: the UPS reports every minute, the cooling unit every 5 minutes.
    const from = Date.parse('2026-03-03T10:00:00Z');
    const ups = 'ups-fra1-network-room-1';
    const gap = events.filter(
      (e) => !(e.kind === 'ups' && e.device_id === ups && e.ts >= from && e.ts < from + 2 * 3_600_000),
    );
    const findings = runner().findings(gap);
    expect(findings.map((f) => f.entity.id)).toEqual([ups]);
  });

  it('learns an irregular cadence: quiet on random gaps, still finds a real outage', () => {
    // Reports at exponential gaps (mean 2 min), beside a regular zone-mate, for 4 days.
    let seed = 12345;
    const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
    const events: FacilityEvent[] = [];
    const t0 = Date.parse('2026-03-02T00:00:00Z');
    const outage = t0 + 3 * 86_400_000;
    const add = (ts: number, device: string, kind: 'ups' | 'cooling') =>
      events.push({
        type: 'facility',
        event_id: `${device}-${ts}`,
        ts: Math.round(ts),
        tenant: 'acme',
        site: 's1',
        zone: 'z1',
        kind,
        device_id: device,
      } as FacilityEvent);
    for (let t = t0; t < t0 + 4 * 86_400_000; t += -Math.log(uniform()) * 2 * MINUTE)
      if (t < outage || t > outage + 3 * 3_600_000) add(t, 'sensor-irregular', 'cooling');
    for (let t = t0; t < t0 + 4 * 86_400_000; t += MINUTE) add(t, 'ups-regular', 'ups');
    events.sort((a, b) => a.ts - b.ts);
    const findings = runner().findings(events);
    expect(findings.map((f) => f.entity.id)).toEqual(['sensor-irregular']);
    expect(findings[0]!.at).toBeGreaterThan(outage);
    expect(findings[0]!.at).toBeLessThan(outage + 40 * MINUTE);
  });

  it('state through its changelog records mid-silence equals an uninterrupted run', () => {
    const { events, sim } = facilityWorld(2, [{ name: 'ups-silent', start: '+1d3h' }]);
    const expected = runner().run(events);
    const cut = events.findIndex((e) => e.ts >= Date.parse(sim.labels[0]!.start) + 5 * MINUTE);
    const d = runner();
    const a = d.run(events.slice(0, cut));
    d.restart();
    const b = d.run(events.slice(cut));
    expect([...a, ...b]).toEqual(expected);
    expect(expected.some((f) => f !== null)).toBe(true);
  });

  it('keeps about 100 bytes per device', () => {
    const { events } = facilityWorld(2, []);
    const d = runner();
    d.run(events);
    const zones = d.stats().find((s) => s.store === 'facility.silence/zones')!;
    expect(zones.keys).toBe(10);
    expect(d.stateBytes() / 20).toBeLessThan(150);
  });
});
