/**
 * Attacks on data: exfiltration by volume and by bulk export, a secret read at night by
 * someone who never reads secrets, a burst of denials, and a cross-tenant read.
 */
import type { AccessAction, AccessEvent } from '../../events/types.ts';
import { HOUR, MINUTE } from '../calendar.ts';
import type { Emitter } from '../engine.ts';
import { accessEvent } from '../events.ts';
import type { Rng } from '../rng.ts';
import type { Principal, Resource } from '../world-types.ts';
import { PacedActor } from './actors.ts';
import { principalTarget } from './targets.ts';
import { ScenarioError, type ScenarioContext, type ScenarioDef } from './types.ts';

/** Reads or exports of a resource list, each moving `bytes` (long-tailed around it). */
class DataActor extends PacedActor {
  constructor(
    rng: Rng,
    start: number,
    end: number,
    gap: number,
    private readonly p: Principal,
    private readonly resources: Resource[],
    private readonly action: AccessAction,
    private readonly bytes: number,
    private readonly denied: boolean,
    private readonly via: string | undefined,
  ) {
    super(rng, start, end, gap);
  }
  protected emit(ctx: Emitter, ts: number, i: number): AccessEvent {
    const r = this.resources[i % this.resources.length] as Resource;
    const bytes = Math.round(this.rng.logNormal(this.bytes, 0.4));
    return accessEvent(ctx, ts, this.p, r, this.action, bytes, this.denied, this.via);
  }
}

function resources(ctx: ScenarioContext, what: string, fit: (r: Resource) => boolean, n: number): Resource[] {
  const pool = ctx.world.resources.filter(fit);
  if (pool.length === 0) throw new ScenarioError(`${what}: no suitable resource in this world`);
  const out: Resource[] = [];
  for (let i = 0; i < n; i++) out.push(ctx.rng.pick(pool));
  return out;
}

const perHour = (rate: number, intensity: number): number => HOUR / Math.max(0.01, rate * intensity);
const SECRET_ROLES = new Set(['admin', 'service']);

export const ACCESS_SCENARIOS: ScenarioDef[] = [
  {
    name: 'exfil-service-account',
    category: 'exfiltration',
    detectors: ['access.volume'],
    summary:
      'A service account reads tens of gigabytes from its own datasets, far above its hourly-job baseline.',
    durationMs: 2 * HOUR,
    timing: 'any',
    targetDoc: 'service principal (default: an hourly job)',
    params: {
      bytes_per_read: { default: 2e9, doc: 'median bytes of one read' },
      reads_per_hour: { default: 30, doc: 'reads per hour (× intensity)' },
    },
    target: (ctx, id) =>
      principalTarget(
        ctx.world,
        ctx.rng,
        id,
        'exfil-service-account',
        (p) => p.schedule === 'hourly' && p.resources.length > 0,
      ),
    build(ctx, t, pl) {
      const p = t.principal as Principal;
      const own = p.resources.filter((r) => r.type !== 'secret');
      const list =
        own.length > 0
          ? own
          : resources(ctx, 'exfil-service-account', (r) => r.tenant === p.tenant && r.type === 'dataset', 4);
      const gap = perHour(Number(pl.params['reads_per_hour']), pl.intensity);
      return [
        new DataActor(
          ctx.rng,
          pl.start,
          pl.end,
          gap,
          p,
          list,
          'read',
          Number(pl.params['bytes_per_read']),
          false,
          undefined,
        ),
      ];
    },
  },
  {
    name: 'vector-bulk-export',
    category: 'exfiltration',
    detectors: ['access.bulk_export'],
    summary: 'An agent exports a whole vector index in large chunks instead of its usual top-k queries.',
    durationMs: 30 * MINUTE,
    timing: 'any',
    targetDoc: 'agent principal (default: one with a vector index)',
    params: {
      exports: { default: 40, doc: 'export calls over the window (× intensity)' },
      bytes_per_export: { default: 5e8, doc: 'median bytes per export' },
    },
    target: (ctx, id) =>
      principalTarget(
        ctx.world,
        ctx.rng,
        id,
        'vector-bulk-export',
        (p) => p.type === 'agent' && p.resources.some((r) => r.type === 'vector_index'),
      ),
    build(ctx, t, pl) {
      const p = t.principal as Principal;
      let list = p.resources.filter((r) => r.type === 'vector_index');
      if (list.length === 0)
        list = resources(
          ctx,
          'vector-bulk-export',
          (r) => r.tenant === p.tenant && r.type === 'vector_index',
          1,
        );
      const gap = (pl.end - pl.start) / Math.max(1, Number(pl.params['exports']) * pl.intensity);
      pl.params['index'] = list.map((r) => r.id);
      return [
        new DataActor(
          ctx.rng,
          pl.start,
          pl.end,
          gap,
          p,
          list,
          'export',
          Number(pl.params['bytes_per_export']),
          false,
          p.models[0]?.id,
        ),
      ];
    },
  },
  {
    name: 'secret-night-read',
    category: 'access',
    detectors: ['access.rare_resource', 'access.off_hours'],
    summary:
      'A user whose peer group never touches secrets reads restricted secrets in the middle of the night.',
    durationMs: HOUR,
    timing: 'night',
    targetDoc: 'user principal outside admin roles (default: an analyst)',
    params: { reads: { default: 5, doc: 'secret reads in the window (× intensity)' } },
    target: (ctx, id) =>
      principalTarget(
        ctx.world,
        ctx.rng,
        id,
        'secret-night-read',
        (p) => p.type === 'user' && p.role === 'analyst',
      ),
    build(ctx, t, pl) {
      const p = t.principal as Principal;
      if (SECRET_ROLES.has(p.role))
        throw new ScenarioError(`secret-night-read: ${p.id} is in role ${p.role}, which reads secrets`);
      const list = resources(
        ctx,
        'secret-night-read',
        (r) => r.tenant === p.tenant && r.type === 'secret' && r.sensitivity === 'restricted',
        3,
      );
      const gap = (pl.end - pl.start) / Math.max(1, Number(pl.params['reads']) * pl.intensity);
      return [new DataActor(ctx.rng, pl.start, pl.end, gap, p, list, 'read', 2000, false, undefined)];
    },
  },
  {
    name: 'denied-burst',
    category: 'access',
    detectors: ['access.denied_burst'],
    summary:
      'A burst of denied reads, lists and admin calls across sensitive resources: someone probing permissions.',
    durationMs: 10 * MINUTE,
    timing: 'work',
    targetDoc: 'principal (default: a contractor)',
    params: { attempts: { default: 60, doc: 'denied attempts in the window (× intensity)' } },
    target: (ctx, id) =>
      principalTarget(ctx.world, ctx.rng, id, 'denied-burst', (p) => p.role === 'contractor'),
    build(ctx, t, pl) {
      const p = t.principal as Principal;
      const list = resources(
        ctx,
        'denied-burst',
        (r) => r.tenant === p.tenant && (r.sensitivity === 'confidential' || r.sensitivity === 'restricted'),
        12,
      );
      const gap = (pl.end - pl.start) / Math.max(1, Number(pl.params['attempts']) * pl.intensity);
      return [
        new DataActor(ctx.rng, pl.start, pl.end, gap, p, list, 'read', 0, true, undefined),
        new DataActor(ctx.rng, pl.start + gap / 2, pl.end, gap * 3, p, list, 'admin', 0, true, undefined),
      ];
    },
  },
  {
    name: 'cross-tenant-read',
    category: 'access',
    detectors: ['access.cross_tenant'],
    summary: "A principal of one tenant reads another tenant's confidential datasets.",
    durationMs: 30 * MINUTE,
    timing: 'work',
    targetDoc: 'principal (default: a data scientist)',
    params: {
      victim_tenant: { default: '', doc: 'tenant whose data is read (default: another tenant)' },
      reads: { default: 6, doc: 'reads in the window (× intensity)' },
    },
    target: (ctx, id) =>
      principalTarget(ctx.world, ctx.rng, id, 'cross-tenant-read', (p) => p.role === 'data_scientist'),
    build(ctx, t, pl) {
      const p = t.principal as Principal;
      const other = ctx.world.tenants.find((x) => x.id !== p.tenant)?.id;
      const victim = String(pl.params['victim_tenant'] || other || '');
      if (victim === p.tenant || !ctx.world.tenants.some((x) => x.id === victim)) {
        throw new ScenarioError(
          `cross-tenant-read: victim tenant "${victim}" must be another tenant of this world`,
        );
      }
      pl.params['victim_tenant'] = victim;
      const list = resources(
        ctx,
        'cross-tenant-read',
        (r) => r.tenant === victim && r.type === 'dataset' && r.sensitivity !== 'public',
        4,
      );
      const gap = (pl.end - pl.start) / Math.max(1, Number(pl.params['reads']) * pl.intensity);
      return [new DataActor(ctx.rng, pl.start, pl.end, gap, p, list, 'read', 3e7, false, undefined)];
    },
  },
];
