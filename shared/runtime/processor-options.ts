/** The pipeline's processor settings from the validated `pipeline:` config section. */
import type { PipelineConfig } from '../config/schema.ts';
import type { ProcessorOptions } from '../pipeline/processor.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function processorOptions(pipeline: PipelineConfig): ProcessorOptions {
  const ttlDays = pipeline.state.idle_ttl_days;
  return {
    allowedLatenessMs: pipeline.allowed_lateness_minutes * MINUTE_MS,
    budget: {
      maxHotPerStore: pipeline.state.max_hot_entries_per_store,
      idleTtlMs: ttlDays > 0 ? ttlDays * DAY_MS : Number.POSITIVE_INFINITY,
    },
  };
}
