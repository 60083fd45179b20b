/**
 * One output of the alert sink, assembled: batch → items (revisions coalesced) → selection
 * and false-positive suppression → the deliverer, which retries until every selected item
 * is delivered or dead-lettered. `interrupt()` aborts a wait on a receiver that is down.
 */
import { setMaxListeners } from 'node:events';
import type { PipelineLogger } from '../../../shared/pipeline/observer.ts';
import type { SourceBatch } from '../../../shared/pipeline/ports.ts';
import type { SinkOutput } from '../../../shared/runtime/alert-sink-service.ts';
import { coalesce } from './coalesce.ts';
import type { Deliverer } from './deliverer.ts';
import type { DeliveryItem, OutputMetrics, Transport } from './types.ts';

export interface SinkOutputParts {
  name: string;
  transport: Transport;
  deliverer: Deliverer;
  /** Which items this output takes; the others are counted as filtered or suppressed. */
  select?: (item: DeliveryItem) => 'deliver' | 'filtered' | 'suppressed';
  metrics: OutputMetrics;
  log: PipelineLogger;
}

export function sinkOutput(parts: SinkOutputParts): SinkOutput {
  const abort = new AbortController();
  // Every request in flight listens on this one signal (node:http removes its listener when
  // the request ends), so more than the default 10 at once is expected, not a leak.
  setMaxListeners(1000, abort.signal);
  return {
    name: parts.name,
    async handle(batch: SourceBatch): Promise<void> {
      const items = coalesce(batch, parts.log);
      let selected = items;
      if (parts.select !== undefined) {
        selected = [];
        let filtered = 0;
        let suppressed = 0;
        for (const item of items) {
          const verdict = parts.select(item);
          if (verdict === 'deliver') selected.push(item);
          else if (verdict === 'filtered') filtered++;
          else suppressed++;
        }
        if (filtered > 0) parts.metrics.alerts('filtered', filtered);
        if (suppressed > 0) parts.metrics.alerts('suppressed', suppressed);
      }
      if (selected.length > 0) await parts.deliverer.deliver(selected, abort.signal);
    },
    interrupt: () => abort.abort(new Error(`output ${parts.name} interrupted: the sink is stopping`)),
    close: () => parts.transport.close(),
  };
}
