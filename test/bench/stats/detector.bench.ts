/**
 * The univariate detector on one core: updates per second over a realistic series
 * (seasonal, noisy, with anomalies), and the state per series — its JSON snapshot in
 * bytes and the heap it holds, measured over 2,000 warm detectors.
 */
import { UnivariateDetector } from '../../../shared/stats/univariate-detector.ts';
import { buildCorpus } from '../../fixtures/univariate/corpus.ts';
import { machine, opsPerSecond } from './machine.ts';

const corpus = buildCorpus();
const ts: number[] = [];
const vs: number[] = [];
for (const s of corpus) {
  const shift = ts.length === 0 ? 0 : (ts[ts.length - 1] as number) - (s.timestamps[0] as number) + 60_000;
  s.timestamps.forEach((t, i) => {
    ts.push(t + shift);
    vs.push(s.values[i] as number);
  });
}
const T = Float64Array.from(ts);
const V = Float64Array.from(vs);
const len = T.length;

const { opsPerSec, cpuOpsPerSec } = opsPerSecond((n) => {
  // One detector per pass over the corpus: every update is a real, learning update.
  let d = new UnivariateDetector();
  let s = 0;
  for (let i = 0; i < n; i++) {
    const k = i % len;
    if (k === 0) d = new UnivariateDetector();
    s += d.update(T[k] as number, V[k] as number).score;
  }
  return s;
}, 1000);

// State per series: warm 2,000 detectors on 3,000 points each, measure heap and snapshots.
const count = 2000;
global.gc?.();
const before = process.memoryUsage().heapUsed;
const detectors: UnivariateDetector[] = [];
for (let j = 0; j < count; j++) {
  const d = new UnivariateDetector();
  const off = (j * 997) % (len - 3000);
  for (let i = 0; i < 3000; i++) d.update((T[off + i] as number) - (T[off] as number), V[off + i] as number);
  detectors.push(d);
}
global.gc?.();
const heapPerSeries = Math.round((process.memoryUsage().heapUsed - before) / count);
const snapshotBytes = JSON.stringify(detectors[0]?.snapshot()).length;

console.log(
  JSON.stringify({
    bench: 'stats/univariate-detector',
    unit: 'updates/s, one core; bytes per series',
    machine: machine(),
    results: {
      updatesPerSec: opsPerSec,
      microsecondsPerUpdate: Math.round((1e6 / opsPerSec) * 1000) / 1000,
      cpuMicrosecondsPerUpdate: Math.round((1e6 / cpuOpsPerSec) * 1000) / 1000,
      snapshotBytesPerSeries: snapshotBytes,
      heapBytesPerSeries: heapPerSeries,
      heapMeasured: global.gc === undefined ? 'without --expose-gc (approximate)' : 'after gc',
    },
  }),
);
