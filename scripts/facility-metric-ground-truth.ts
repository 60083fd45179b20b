/**
 * facility.metric's quality on simulated worlds: per seed, its alerts, the attack labels
 * naming it that it found (and the delay), and its false alerts per simulated day — run
 * as the live partitions run it, with the world's maintenance windows declared, exactly
 * as test/unit/detection/facility-ground-truth.test.ts does. Tune on seeds 1–6 only; the
 * test's seeds 11 and 12 are the held-out check.
 *
 *   npx tsx scripts/facility-metric-ground-truth.ts [--seeds 1,2,3,4,5,6] [--days 8] [--size small]
 *       [--config '{"threshold":0.7}'] [--verbose]
 */
import { parseArgs } from 'node:util';
import { facilityMetric } from '../services/facility-monitor/detectors/metric.ts';
import type { FacilityEvent } from '../shared/events/types.ts';
import { resolveDetectors } from '../shared/pipeline/registry.ts';
import { simulate } from '../shared/simulate/simulate.ts';
import type { SizePreset } from '../shared/simulate/world-types.ts';
import { worldEnvironment } from '../test/harness/facility-environment.ts';
import { detectAll, scoreAgainstLabels } from '../test/harness/ground-truth.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3,4,5,6' },
    days: { type: 'string', default: '8' },
    size: { type: 'string', default: 'small' },
    config: { type: 'string', default: '{}' },
    verbose: { type: 'boolean', default: false },
  },
});
const seeds = values.seeds.split(',').map(Number);
const days = Number(values.days);
const config = JSON.parse(values.config) as Record<string, unknown>;
const id = facilityMetric.id;
const detectors = resolveDetectors([facilityMetric], { [id]: config });
let labels = 0;
let found = 0;
let falses = 0;
const delays: number[] = [];

console.log(`facility.metric, config ${JSON.stringify(config)}; ${values.size}; ${days} days per seed`);
console.log('| seed | alerts | attacks found | delay (min) | false alerts | false / day |');
console.log('|---|---|---|---|---|---|');
for (const seed of seeds) {
  const sim = simulate({ seed, days, size: values.size as SizePreset, scenarios: 'all' });
  const events: FacilityEvent[] = [];
  for (const e of sim.events) if (e.type === 'facility') events.push(e);
  const alerts = detectAll(events, detectors, worldEnvironment(sim.world));
  const score = scoreAgainstLabels(alerts, sim.labels, new Set([id]));
  const hit = score.attacks.filter((a) => a.detected);
  const d = hit.map((a) => Math.round(a.delayMs! / 60_000));
  labels += score.attacks.length;
  found += hit.length;
  falses += score.falseAlerts.length;
  delays.push(...d);
  console.log(
    `| ${seed} | ${alerts.length} | ${hit.length} / ${score.attacks.length} | ${d.join(', ') || '–'} | ` +
      `${score.falseAlerts.length} | ${(score.falseAlerts.length / days).toFixed(2)} |`,
  );
  if (values.verbose)
    for (const a of score.falseAlerts)
      console.log(
        `    false: ${a.first_seen} ${a.entity.id} ${a.title} [${a.evidence.statistic}, score ${a.score}]`,
      );
}
delays.sort((a, b) => a - b);
const median = delays.length > 0 ? delays[delays.length >> 1] : Number.NaN;
console.log(
  `all: recall ${found}/${labels}, median delay ${median} min, ` +
    `false alerts ${falses} = ${(falses / (days * seeds.length)).toFixed(2)} per simulated day`,
);
