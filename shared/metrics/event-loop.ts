/**
 * Event-loop delay since the process started, for /metrics. prom-client's default
 * `vigil_nodejs_eventloop_lag_p99_seconds` restarts its histogram at every scrape, so it
 * says how the last scrape interval went; this one never resets, so one scrape at the
 * end of a run gives that run's p99 (how long a timer or an API request waited at worst,
 * 99 times in 100). Same sampler as prom-client's (perf_hooks, 10 ms resolution), so a
 * quiet loop reads about 0.01 s.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const;

/** Registers `vigil_eventloop_delay_since_start_seconds{quantile}`; returns a stop function. */
export function trackEventLoopDelay(registry: Registry): () => void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const gauge = new Gauge({
    name: 'vigil_eventloop_delay_since_start_seconds',
    help: 'Event-loop delay percentiles since the process started (never reset; quantile="1" is the maximum)',
    labelNames: ['quantile'],
    registers: [registry],
    collect() {
      if (histogram.count === 0) return;
      for (const q of QUANTILES) gauge.set({ quantile: String(q) }, histogram.percentile(q * 100) / 1e9);
      gauge.set({ quantile: '1' }, histogram.max / 1e9);
    },
  });
  return () => histogram.disable();
}
