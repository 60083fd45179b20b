/**
 * Ground truth for detection tests: runs detectors as the live partitions would and scores
 * their alerts against the simulator's labels. The label matching lives in
 * shared/backtest/matching.ts, shared with `vigil backtest`.
 */
import type { Alert, VigilEvent } from '../../shared/events/types.ts';
import type { DetectorEnvironment } from '../../shared/pipeline/environment.ts';
import { detectPartitioned } from '../../shared/pipeline/partitioned-run.ts';
import type { ResolvedDetector } from '../../shared/pipeline/registry.ts';

export { scoreAgainstLabels, type GroundTruthScore } from '../../shared/backtest/matching.ts';

/**
 * Runs `detectors` over `events` as the live partitions would (see PartitionedRun), with
 * the calendars and sites of `environment` (default: none declared).
 */
export function detectAll(
  events: Iterable<VigilEvent>,
  detectors: readonly ResolvedDetector[],
  environment?: DetectorEnvironment,
): Alert[] {
  return detectPartitioned(events, detectors, {
    allowedLatenessMs: 60 * 60_000,
    ...(environment === undefined ? {} : { environment }),
  });
}
