/**
 * A fingerprint of what the detectors do, for changes that must not change it (speed work,
 * refactors): the whole catalogue over simulated traffic with every scenario, partitioned
 * as live, and per seed the alert count and a SHA-256 of the alerts of each detector, plus
 * one of the final keyed state of every partition. Identical output before and after a
 * change means identical alerts, field for field, and identical state.
 *
 *   npx tsx scripts/alert-digest.ts [--seeds 3,7,11] [--days 7] [--size small] [--type access]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ALL_DETECTORS } from '../services/cli/catalogue.ts';
import type { Alert } from '../shared/events/types.ts';
import { PartitionedRun } from '../shared/pipeline/partitioned-run.ts';
import { resolveDetectors } from '../shared/pipeline/registry.ts';
import { simulate } from '../shared/simulate/simulate.ts';
import type { SizePreset } from '../shared/simulate/world-types.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '3,7,11' },
    days: { type: 'string', default: '7' },
    size: { type: 'string', default: 'small' },
    type: { type: 'string' },
  },
});

const byKey = (a: { key: string }, b: { key: string }): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
const detectors = resolveDetectors(ALL_DETECTORS, {});
for (const seed of values.seeds.split(',').map(Number)) {
  const run = new PartitionedRun(detectors, { allowedLatenessMs: 3_600_000 });
  const alerts = new Map<string, Alert>();
  let n = 0;
  const world = simulate({
    seed,
    days: Number(values.days),
    size: values.size as SizePreset,
    scenarios: 'all',
  });
  for (const e of world.events) {
    if (values.type !== undefined && e.type !== values.type) continue;
    run.add(e);
    if (++n % 4096 === 0) run.flush(0, alerts);
  }
  run.flush(0, alerts);
  const state = createHash('sha256');
  for (const [slot, p] of [...run.entries()].sort((a, b) => byKey({ key: a[0] }, { key: b[0] })))
    for (const r of p.exportState().sort(byKey)) state.update(`${slot}${r.key}=${r.value}\n`);
  console.log(`seed ${seed}: ${n} events, ${alerts.size} alerts, state ${state.digest('hex').slice(0, 16)}`);
  const perDetector = new Map<string, Alert[]>();
  for (const a of alerts.values()) perDetector.set(a.detector, [...(perDetector.get(a.detector) ?? []), a]);
  for (const [id, list] of [...perDetector].sort((a, b) => byKey({ key: a[0] }, { key: b[0] }))) {
    const h = createHash('sha256');
    for (const a of list.sort((x, y) => byKey({ key: x.alert_id }, { key: y.alert_id })))
      h.update(JSON.stringify(a));
    console.log(`  ${id.padEnd(32)} ${String(list.length).padStart(5)}  ${h.digest('hex').slice(0, 16)}`);
  }
}
