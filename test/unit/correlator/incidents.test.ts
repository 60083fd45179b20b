import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/events/types.ts';
import { PartitionState } from '../../../shared/pipeline/partition-state.ts';
import { SiteDirectory } from '../../../shared/sites/site-directory.ts';
import { resolveIncidentConfig, splitIncidentSection } from '../../../services/correlator/config.ts';
import {
  correlateAlerts,
  GROUPS_STORE,
  IncidentCorrelator,
  type Group,
} from '../../../services/correlator/incidents.ts';
import { partOf, streamOf } from '../../../services/correlator/parts.ts';
import { alert, device, MIN, principal, zone } from './helpers.ts';

const config = resolveIncidentConfig({});
const sites = new SiteDirectory({
  fra1: { zones: { 'hall-1': { networks: ['10.20.1.0/24'] } } },
});
const run = (alerts: Alert[], c = config) => correlateAlerts(alerts, c, sites, 0);

describe('correlation.incident config', () => {
  it('defaults every key and rejects unknown ones with their path', () => {
    expect(config).toMatchObject({
      enabled: true,
      window_minutes: 60,
      min_streams: 2,
      min_part_severity: 'low',
    });
    expect(() => resolveIncidentConfig({ window: 3 })).toThrow(/detectors\.correlation\.incident/);
    const split = splitIncidentSection({
      'correlation.incident': { window_minutes: 5 },
      'facility.state': {},
    });
    expect(split.detectors).toEqual({ 'facility.state': {} });
    expect(split.incident.window_minutes).toBe(5);
  });
});

describe('correlator parts', () => {
  it('names the stream of every catalogue prefix', () => {
    expect(streamOf('inference.extraction.rate')).toBe('inference');
    expect(streamOf('access.volume')).toBe('access');
    expect(['facility.state', 'physical.badge', 'cyber_physical.correlation'].map(streamOf)).toEqual([
      'facility',
      'facility',
      'facility',
    ]);
    expect(streamOf('correlation.incident')).toBeUndefined();
  });

  it('keys a part by principal (within its tenant), zone and site', () => {
    const dims = config.group_by;
    const a = partOf(alert('access.volume', principal('bob'), 0, { tenant: 'globex' }), sites, dims, 'low');
    expect(a?.keys).toEqual(['principal:globex/bob']);
    const f = partOf(
      alert('facility.state', device('ups-1'), 0, { evidence: { site: 'fra1', zone: 'power-room' } }),
      sites,
      dims,
      'low',
    );
    expect(f?.keys).toEqual(['zone:fra1/power-room', 'site:fra1']);
    // A console inside a zone's declared network puts an access alert in that zone.
    const c = partOf(
      alert('access.rare_resource', principal('eve'), 0, { evidence: { client_ip: '10.20.1.7' } }),
      sites,
      dims,
      'low',
    );
    expect(c?.keys).toEqual(['principal:acme/eve', 'zone:fra1/hall-1', 'site:fra1']);
  });

  it('never takes incidents, info alerts or unknown detectors as parts', () => {
    const dims = config.group_by;
    expect(partOf(alert('correlation.incident', principal('x'), 0), sites, dims, 'low')).toBeUndefined();
    expect(
      partOf(alert('access.volume', principal('x'), 0, { severity: 'info' }), sites, dims, 'low'),
    ).toBeUndefined();
    expect(partOf(alert('other.thing', principal('x'), 0), sites, dims, 'low')).toBeUndefined();
  });
});

describe('correlation.incident', () => {
  it('joins an extraction and an exfiltration alert of one principal into one incident', () => {
    const parts = [
      alert('inference.extraction.rate', principal('mallory'), 0, {
        severity: 'high',
        category: 'extraction',
      }),
      alert('access.volume', principal('mallory'), 40, { severity: 'medium', category: 'exfiltration' }),
    ];
    const [incident, ...rest] = run(parts);
    expect(rest).toEqual([]);
    expect(incident).toMatchObject({
      detector: 'correlation.incident',
      category: 'extraction',
      severity: 'critical',
      tenant: 'acme',
      entity: { type: 'principal', id: 'mallory' },
      first_seen: parts[0]!.first_seen,
      last_seen: parts[1]!.last_seen,
      related: [parts[0]!.alert_id, parts[1]!.alert_id],
      event_count: 2,
    });
    expect(incident!.alert_id).toMatch(/^[0-9a-f]{32}$/);
    expect(incident!.evidence).toMatchObject({
      observed: 2,
      streams: ['access', 'inference'],
      key: 'principal:acme/mallory',
    });
    expect(incident!.evidence['timeline']).toHaveLength(2);
    expect(incident!.score).toBeGreaterThan(80);
  });

  it('joins a badge alert in a hall and an access anomaly from that hall’s console', () => {
    const parts = [
      alert('physical.badge', { type: 'badge', id: 'B7' }, 0, { evidence: { site: 'fra1', zone: 'hall-1' } }),
      alert('access.rare_resource', principal('eve'), 20, { evidence: { client_ip: '10.20.1.7' } }),
    ];
    const incidents = run(parts);
    expect(incidents.map((i) => `${i.entity.type}:${i.entity.id}`)).toEqual(['zone:fra1/hall-1']);
  });

  it('needs different streams, the same key and the window', () => {
    const a = alert('access.volume', principal('bob'), 0);
    expect(run([a, alert('access.off_hours', principal('bob'), 10)])).toEqual([]);
    expect(run([a, alert('inference.behavior', principal('alice'), 10)])).toEqual([]);
    expect(run([a, alert('inference.behavior', principal('bob'), 61)])).toEqual([]);
    // Spans count, not starts: a long part reaches a later one.
    const long = alert('access.volume', principal('bob'), 0, { lastMin: 100 });
    expect(run([long, alert('inference.behavior', principal('bob'), 150)])).toHaveLength(1);
  });

  it('raises a site incident only when the streams meet in different zones', () => {
    const facility = alert('facility.state', device('ups-1'), 0, {
      evidence: { site: 'fra1', zone: 'hall-1' },
    });
    const sameZone = alert('access.volume', principal('eve'), 5, { evidence: { client_ip: '10.20.1.9' } });
    expect(run([facility, sameZone]).map((i) => i.entity.type)).toEqual(['zone']);
    const otherZone = alert('access.volume', principal('eve'), 5, {
      evidence: { site: 'fra1', zone: 'hall-7' },
    });
    expect(run([facility, otherZone]).map((i) => `${i.entity.type}:${i.entity.id}`)).toEqual(['site:fra1']);
  });

  it('updates one incident as parts join and revise, never duplicating it', () => {
    const state = new PartitionState();
    const c = new IncidentCorrelator(
      config,
      state.namespace('correlation.incident').keyed<Group>(GROUPS_STORE),
    );
    const key = 'principal:acme/mallory';
    const part = (a: Alert) => partOf(a, sites, config.group_by, 'low')!.part;
    const a = alert('inference.extraction.rate', principal('mallory'), 0, { id: 'x1' });
    const b = alert('access.volume', principal('mallory'), 20, { id: 'x2', severity: 'medium' });
    expect(c.accept(key, part(a), 0)).toBeUndefined();
    const first = c.accept(key, part(b), 1000)!;
    expect(first.related).toEqual(['x1', 'x2']);
    // The same revision again (redelivery, replay): nothing new.
    expect(c.accept(key, part(b), 2000)).toBeUndefined();
    expect(c.accept(key, part(a), 2000)).toBeUndefined();
    // A later revision of a part updates the same incident.
    const b2 = {
      ...b,
      event_count: 5,
      last_seen: new Date(Date.parse(b.last_seen) + 10 * MIN).toISOString(),
      severity: 'high' as const,
    };
    const updated = c.accept(key, part(b2), 3000)!;
    expect(updated.alert_id).toBe(first.alert_id);
    expect(updated.event_count).toBe(6);
    expect(updated.detected_at).toBe(first.detected_at);
    // An older revision arriving late changes nothing.
    expect(c.accept(key, part(b), 4000)).toBeUndefined();
    // A third part joins the incident.
    const d = alert('access.bulk_export', principal('mallory'), 50, { id: 'x3' });
    expect(c.accept(key, part(d), 5000)!).toMatchObject({
      alert_id: first.alert_id,
      related: ['x1', 'x2', 'x3'],
    });
  });

  it('gives the same incident ids on every replay of the same alerts, in any input order', () => {
    const parts = [
      alert('inference.extraction.rate', principal('m'), 0),
      alert('access.volume', principal('m'), 30),
      alert('facility.state', device('u'), 0, { evidence: { site: 'fra1', zone: 'power-room' } }),
      alert('physical.badge', zone('fra1/power-room'), 3, { evidence: { site: 'fra1', zone: 'power-room' } }),
      alert('access.volume', principal('q'), 5, {
        evidence: { client_ip: '10.9.9.9', site: 'fra1', zone: 'power-room' },
      }),
    ];
    const ids = (as: Alert[]) => as.map((a) => a.alert_id).sort();
    const once = run(parts);
    expect(once).toHaveLength(2);
    expect(ids(run([...parts].reverse()))).toEqual(ids(once));
    expect(ids(run([...parts, ...parts]))).toEqual(ids(once));
  });

  it('restores from its changelog records mid-stream to the same incidents', () => {
    const parts = [
      alert('inference.extraction.rate', principal('m'), 0, { id: 'p1' }),
      alert('access.volume', principal('m'), 30, { id: 'p2' }),
      alert('access.bulk_export', principal('m'), 45, { id: 'p3' }),
    ];
    const key = 'principal:acme/m';
    const toPart = (a: Alert) => partOf(a, sites, config.group_by, 'low')!.part;
    const whole = new PartitionState();
    const c1 = new IncidentCorrelator(
      config,
      whole.namespace('correlation.incident').keyed<Group>(GROUPS_STORE),
    );
    const expected = parts.map((p) => c1.accept(key, toPart(p), 7));

    const before = new PartitionState();
    const c2 = new IncidentCorrelator(
      config,
      before.namespace('correlation.incident').keyed<Group>(GROUPS_STORE),
    );
    const got = [c2.accept(key, toPart(parts[0]!), 7), c2.accept(key, toPart(parts[1]!), 7)];
    const records = JSON.parse(JSON.stringify(before.drain())) as ReturnType<PartitionState['drain']>;
    const after = new PartitionState();
    for (const r of records) after.load(r.key, r.value);
    const c3 = new IncidentCorrelator(
      config,
      after.namespace('correlation.incident').keyed<Group>(GROUPS_STORE),
    );
    got.push(c3.accept(key, toPart(parts[2]!), 7));
    expect(got).toEqual(expected);
    // Redelivered after the restore: no duplicate.
    expect(c3.accept(key, toPart(parts[1]!), 7)).toBeUndefined();
  });

  it('keeps its state bounded: old parts expire, at most max_parts per key', () => {
    const small = resolveIncidentConfig({ max_parts: 5, retention_hours: 1 });
    const state = new PartitionState();
    const c = new IncidentCorrelator(
      small,
      state.namespace('correlation.incident').keyed<Group>(GROUPS_STORE),
    );
    const key = 'principal:acme/m';
    for (let i = 0; i < 40; i++) {
      const a = alert(i % 2 ? 'access.volume' : 'inference.behavior', principal('m'), i * 10);
      c.accept(key, partOf(a, sites, small.group_by, 'low')!.part, 0);
    }
    const group = state.namespace('correlation.incident').keyed<Group>(GROUPS_STORE).peek(key)!;
    expect(group.parts.length).toBeLessThanOrEqual(5);
    expect(JSON.stringify(group).length).toBeLessThan(5000);
  });

  it('is off when disabled', () => {
    const off = resolveIncidentConfig({ enabled: false });
    expect(
      run([alert('inference.behavior', principal('m'), 0), alert('access.volume', principal('m'), 1)], off),
    ).toEqual([]);
  });
});
