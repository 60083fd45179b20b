/**
 * Memory of the access-monitor's keyed state with many principals: 100,000 principals
 * (five roles, three resources each) make one access event every two hours of event time
 * for `--rounds` rounds, through the access detectors as the live partitions run them
 * (6 partitions, batches of 1,000, each batch's changed state encoded and the stores
 * compacted after it, as after a commit). Run twice — with the default hot budget
 * (50,000 decoded values per store) and with a small one (`--small-hot`) — and then a
 * month later by event time, when the idle principals have passed the stores' time to live.
 * Reports heap after a full GC (MiB), keys, hot values and encoded bytes per store, and
 * encoded state bytes per principal (what the changelog holds). Units: MiB, bytes, events/s.
 *
 *   npm run bench:access [-- --principals 100000 --rounds 6 --small-hot 2000]
 */
import { parseArgs } from 'node:util';
import { ACCESS_DETECTORS } from '../../../services/access-monitor/detectors/index.ts';
import type { AccessEvent } from '../../../shared/events/types.ts';
import { DEFAULT_STATE_BUDGET, type StateBudget } from '../../../shared/pipeline/partition-state.ts';
import { PartitionedRun } from '../../../shared/pipeline/partitioned-run.ts';
import { resolveDetectors } from '../../../shared/pipeline/registry.ts';
import { machine } from '../machine.ts';

const { values } = parseArgs({
  options: {
    principals: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '6' },
    'small-hot': { type: 'string', default: '2000' },
  },
});
const PRINCIPALS = Number(values.principals);
const ROUNDS = Number(values.rounds);
const SMALL_HOT = Number(values['small-hot']);
const START = Date.parse('2026-03-02T00:00:00Z');
const ROUND_MS = 2 * 3_600_000;
const BATCH = 1000;
const ROLES = ['analyst', 'data_scientist', 'engineer', 'service', 'agent'] as const;
const TYPES = ['dataset', 'feature_store', 'model_artifact', 'log', 'vector_index'] as const;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc (npm run bench:access does)');
const heapMiB = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

/** One event of principal i in round r (deterministic, time-ordered). */
function event(i: number, r: number, seq: number): AccessEvent {
  const role = ROLES[i % ROLES.length]!;
  const type = TYPES[(i + r) % TYPES.length]!;
  const h = Math.imul(i ^ (r * 0x9e3779b1), 0x85ebca6b) >>> 0;
  const bytes = Math.round(2e5 * (1 + (h % 1000) / 100));
  return {
    type: 'access',
    event_id: `a${seq}`,
    ts: START + r * ROUND_MS + Math.floor((i * ROUND_MS) / PRINCIPALS),
    tenant: 'acme',
    principal: `p${i}@acme`,
    principal_type: role === 'service' ? 'service' : role === 'agent' ? 'agent' : 'user',
    role,
    action: r % 3 === 2 ? 'query' : 'read',
    resource: `acme/${type}/r-${(i * 7 + (r % 3)) % 5000}`,
    resource_type: type,
    sensitivity: h % 10 === 0 ? 'confidential' : 'internal',
    resource_tenant: 'acme',
    bytes,
    records: Math.ceil(bytes / 700),
    outcome: h % 500 === 0 ? 'denied' : 'allowed',
  };
}

function run(budget: StateBudget) {
  const before = heapMiB();
  const detectors = resolveDetectors(ACCESS_DETECTORS, {});
  const partitioned = new PartitionedRun(detectors, { budget, allowedLatenessMs: 3_600_000 });
  const alerts = new Map();
  let seq = 0;
  let pending = 0;
  const commit = (): void => {
    partitioned.flush(0, alerts);
    for (const [, p] of partitioned.entries()) {
      p.drain();
      p.compact();
    }
    pending = 0;
  };
  const started = process.hrtime.bigint();
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < PRINCIPALS; i++) {
      partitioned.add(event(i, r, seq++));
      if (++pending === BATCH) commit();
    }
  }
  commit();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = heapMiB();
  const stores = summarise(partitioned);

  // A month later: a trickle of 1,000 principals; everyone else is past the idle TTL.
  const later = START + ROUNDS * ROUND_MS + 31 * 86_400_000;
  for (let i = 0; i < 1000; i++) {
    const e = event(i, ROUNDS, seq++);
    partitioned.add({ ...e, ts: later + i * 1000 });
    if (++pending === BATCH) commit();
  }
  commit();
  const expiredHeap = heapMiB();
  const afterTtl = summarise(partitioned);
  return {
    hot_budget_per_store: budget.maxHotPerStore,
    events: seq,
    events_per_s: Math.round((PRINCIPALS * ROUNDS) / seconds),
    heap_mib: {
      before: round(before),
      with_state: round(after),
      state: round(after - before),
      after_idle_ttl: round(expiredHeap),
    },
    alerts: alerts.size,
    stores,
    after_idle_ttl: { keys: Object.values(afterTtl).reduce((n, s) => n + s.keys, 0) },
  };
}

function summarise(partitioned: PartitionedRun) {
  const stores: Record<
    string,
    { keys: number; hot: number; cold_mib: number; encoded_bytes_per_key: number }
  > = {};
  const bytes: Record<string, number> = {};
  for (const [, p] of partitioned.entries()) {
    for (const s of p.state.stats()) {
      const e = (stores[s.store] ??= { keys: 0, hot: 0, cold_mib: 0, encoded_bytes_per_key: 0 });
      e.keys += s.keys;
      e.hot += s.hot;
      e.cold_mib += s.coldBytes / 2 ** 20;
    }
    for (const r of p.exportState()) {
      const store = r.key.slice(0, r.key.indexOf('|'));
      bytes[store] = (bytes[store] ?? 0) + r.key.length + (r.value?.length ?? 0);
    }
  }
  for (const [id, s] of Object.entries(stores)) {
    s.cold_mib = round(s.cold_mib);
    s.encoded_bytes_per_key = s.keys > 0 ? Math.round((bytes[id] ?? 0) / s.keys) : 0;
  }
  return stores;
}

const round = (x: number): number => Math.round(x * 10) / 10;

const full = run(DEFAULT_STATE_BUDGET);
const small = run({ ...DEFAULT_STATE_BUDGET, maxHotPerStore: SMALL_HOT });

// Encoded state per principal: every per-principal store's bytes, summed over detectors.
const perPrincipal: Record<string, number> = {};
let total = 0;
for (const [id, s] of Object.entries(full.stores)) {
  if (s.keys < PRINCIPALS * 0.9) continue; // role and partition stores: a handful of keys
  const detector = id.slice(0, id.lastIndexOf('/'));
  perPrincipal[detector] = (perPrincipal[detector] ?? 0) + s.encoded_bytes_per_key;
  total += s.encoded_bytes_per_key;
}

console.log(
  JSON.stringify(
    {
      bench: 'access-principals',
      unit: { heap: 'MiB after full GC', state: 'encoded bytes', rate: 'events/s' },
      principals: PRINCIPALS,
      rounds: ROUNDS,
      state_bytes_per_principal: { ...perPrincipal, total },
      default_budget: full,
      small_hot_budget: small,
      machine: machine(),
    },
    null,
    2,
  ),
);
