/**
 * The inference detectors' quality table of the README: per detector, attack labels it is
 * named on, how many it found (first alert in the window, and counting an alert already
 * open on the entity and updated in the window), the median delay and the false alerts
 * per simulated day, over simulated worlds with every scenario.
 *
 *   npx tsx scripts/inference-ground-truth.ts [--seeds 51,52,53,54,55,56] [--days 7] [--size small]
 */
import { parseArgs } from 'node:util';
import { INFERENCE_DETECTORS } from '../services/inference-monitor/detectors/index.ts';
import type { InferenceEvent } from '../shared/events/types.ts';
import { resolveDetectors } from '../shared/pipeline/registry.ts';
import { simulate } from '../shared/simulate/simulate.ts';
import type { SizePreset } from '../shared/simulate/world-types.ts';
import { detectAll, scoreAgainstLabels } from '../test/harness/ground-truth.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '51,52,53,54,55,56' },
    days: { type: 'string', default: '7' },
    size: { type: 'string', default: 'small' },
  },
});
const seeds = values.seeds.split(',').map(Number);
const days = Number(values.days);
const size = values.size as SizePreset;
const ids = INFERENCE_DETECTORS.map((d) => d.id);
const rows = new Map(
  ids.map((id) => [id, { labels: 0, found: 0, ongoing: 0, falses: 0, delays: [] as number[] }]),
);
let benign = 0;

for (const seed of seeds) {
  const sim = simulate({ seed, days, size, scenarios: 'all' });
  const events: InferenceEvent[] = [];
  for (const e of sim.events) if (e.type === 'inference') events.push(e);
  const alerts = detectAll(events, resolveDetectors(INFERENCE_DETECTORS, {}));
  const labels = sim.labels.filter((l) => l.detectors.some((d) => ids.includes(d)));
  const score = scoreAgainstLabels(alerts, labels, new Set(ids));
  benign += score.benignHits.length;
  for (const a of score.falseAlerts) rows.get(a.detector)!.falses++;
  for (const label of labels.filter((l) => l.benign !== true)) {
    for (const detector of label.detectors) {
      const one = [{ ...label, detectors: [detector] }];
      const strict = scoreAgainstLabels(alerts, one, new Set([detector])).attacks[0]!;
      const ongoing = scoreAgainstLabels(alerts, one, new Set([detector]), 2 * 3_600_000, { ongoing: true })
        .attacks[0]!;
      const row = rows.get(detector)!;
      row.labels++;
      if (strict.detected) {
        row.found++;
        row.delays.push(strict.delayMs! / 60_000);
      }
      if (ongoing.detected) row.ongoing++;
    }
  }
}

console.log(`seeds ${seeds.join(', ')}; ${size}; ${days} days each; benign look-alike hits: ${benign}`);
console.log(
  '| detector | label × detector | found | incl. ongoing | median delay | false alerts / simulated day |',
);
console.log('|---|---|---|---|---|---|');
for (const [id, r] of rows) {
  r.delays.sort((a, b) => a - b);
  const median = r.delays.length > 0 ? `${Math.round(r.delays[r.delays.length >> 1]!)} min` : '–';
  const perDay = (r.falses / (days * seeds.length)).toFixed(2);
  console.log(
    `| \`${id}\` | ${r.labels} | ${r.found} | ${r.ongoing} | ${median} | ${perDay} (${r.falses}) |`,
  );
}
