import { describe, expect, it } from 'vitest';
import type { FacilityEvent, UpsEvent } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import { SiteDirectory } from '../../../shared/sites/site-directory.ts';
import { FACILITY_DETECTORS } from '../../../services/facility-monitor/detectors/index.ts';
import { facilityState } from '../../../services/facility-monitor/detectors/state.ts';
import { DetectorRunner } from '../../harness/detector-runner.ts';
import { fixedWindowCalendars, worldEnvironment } from '../../harness/facility-environment.ts';
import { facilityWorld } from './helpers.ts';

const runner = (env?: ReturnType<typeof worldEnvironment>) =>
  new DetectorRunner(facilityState, {}, undefined, env);

describe('facility.state', { timeout: 120_000 }, () => {
  it('is registered, with every key defaulted and min_severity low', () => {
    expect(FACILITY_DETECTORS).toContain(facilityState);
    expect(facilityState.config.parse({})).toMatchObject({
      min_severity: 'low',
      abnormal_ups_states: ['on_battery', 'bypass', 'fault', 'maintenance'],
      abnormal_cooling_states: ['fault'],
      watch_firmware: true,
      watch_config_hash: true,
    });
    expect(() => facilityState.config.parse({ nope: 1 })).toThrow();
  });

  it('stays quiet on normal telemetry', () => {
    const { events } = facilityWorld(2, []);
    expect(runner().findings(events)).toEqual([]);
  });

  it('finds the power-room intrusion: a config change and a bypass, high, outside any window', () => {
    const { events, sim } = facilityWorld(2, [{ name: 'power-room-intrusion', start: '+1d1h' }]);
    const label = sim.labels[0]!;
    const findings = runner().findings(events);
    const device = String(label.params['device']);
    expect(new Set(findings.map((f) => f.entity.id))).toEqual(new Set([device]));
    const config = findings.filter((f) => f.episodeKey === 'config_hash');
    expect(config).toHaveLength(1);
    expect(config[0]).toMatchObject({ severity: 'high', techniques: ['T0836'] });
    expect(config[0]!.explanation).toMatchObject({
      statistic: 'config_hash change rule',
      observed: 'deadbeef',
      maintenance_window: false,
      site: 'fra1',
      zone: 'power-room',
    });
    expect(config[0]!.explanation.expected).toMatch(/^[0-9a-f]{8}$/);
    expect(config[0]!.explanation.expected).not.toBe('deadbeef');
    expect(config[0]!.description).toContain('no maintenance window is declared');
    const bypass = findings.filter((f) => f.episodeKey === 'state:bypass');
    // One finding per report in bypass (35 minutes at one report a minute): one growing alert.
    expect(bypass.length).toBeGreaterThanOrEqual(30);
    expect(bypass.every((f) => f.severity === 'high' && f.techniques?.includes('T0837'))).toBe(true);
  });

  it('weighs benign maintenance against the declared window: info inside, high without it', () => {
    const { events, sim } = facilityWorld(2, [{ name: 'benign-maintenance', start: '+1d1h' }]);
    const inside = runner(worldEnvironment(sim.world)).findings(events);
    expect(inside.length).toBeGreaterThan(0);
    expect(new Set(inside.map((f) => f.severity))).toEqual(new Set(['info']));
    expect(
      inside.some((f) => f.episodeKey === 'firmware' && f.explanation['maintenance_window'] === true),
    ).toBe(true);
    // Without the declaration the same change is an unplanned firmware update.
    const outside = runner().findings(events);
    expect(outside.find((f) => f.episodeKey === 'firmware')).toMatchObject({
      severity: 'high',
      techniques: ['T0857'],
    });
  });

  it('treats a declared window that is not active as outside', () => {
    const { events } = facilityWorld(2, [{ name: 'benign-maintenance', start: '+1d1h' }]);
    const env = {
      calendars: fixedWindowCalendars({ sunday: [[0, 1]] }),
      sites: new SiteDirectory({ fra1: { zones: { 'power-room': { maintenance: ['sunday'] } } } }),
    };
    const f = runner(env)
      .findings(events)
      .find((x) => x.episodeKey === 'firmware')!;
    expect(f.severity).toBe('high');
    expect(f.description).toContain("outside the zone's maintenance windows (sunday)");
  });

  it('flags cooling faults and UPS on battery, and a device first seen in a bad state', () => {
    const ups = (i: number, state: UpsEvent['state'], id = 'ups-1'): FacilityEvent => ({
      type: 'facility',
      event_id: `u${i}`,
      ts: 1_000_000 + i * 60_000,
      tenant: 'acme',
      site: 's',
      zone: 'z',
      kind: 'ups',
      device_id: id,
      state,
      firmware: 'fw-1',
      config_hash: 'abc',
    });
    const d = runner();
    const out = d.findings([
      ups(0, 'online'),
      ups(1, 'on_battery'),
      ups(2, 'online'),
      ups(3, 'fault', 'ups-2'),
      {
        type: 'facility',
        event_id: 'c1',
        ts: 1_000_000,
        tenant: 'acme',
        site: 's',
        zone: 'z',
        kind: 'cooling',
        device_id: 'crac-1',
        state: 'fault',
      },
    ]);
    expect(out.map((f: Finding) => `${f.entity.id} ${f.episodeKey} ${f.severity}`)).toEqual([
      'ups-1 state:on_battery high',
      'ups-2 state:fault high',
      'crac-1 state:fault high',
    ]);
    expect(out[0]!.explanation).toMatchObject({ observed: 'on_battery', previous_state: 'online' });
  });

  it('state through its changelog records mid-stream equals an uninterrupted run', () => {
    const { events } = facilityWorld(2, [{ name: 'power-room-intrusion', start: '+1d1h' }]);
    const expected = runner().run(events);
    const cut = events.findIndex((e) => e.ts >= Date.parse('2026-03-03T01:09:00Z'));
    const d = runner();
    const a = d.run(events.slice(0, cut));
    d.restart();
    const b = d.run(events.slice(cut));
    expect([...a, ...b]).toEqual(expected);
    expect(expected.filter((f) => f !== null).length).toBeGreaterThan(10);
  });

  it('keeps one small value per device (< 120 bytes as a record)', () => {
    const { events } = facilityWorld(2, []);
    const d = runner();
    d.run(events);
    const [devices] = d.stats().filter((s) => s.store === 'facility.state/devices');
    expect(devices!.keys).toBe(20);
    expect(d.stateBytes() / devices!.keys).toBeLessThan(120);
  });
});
