/**
 * access.bulk_export's finding: the operation's size against its class's typical size
 * (own, own reads of the type, or the role's), its z-score, and the sensitivity-weighted
 * CUSUM that reached the threshold.
 */
import type { AccessEvent } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import { clampScore, fmt, fmtBytes, sensitivityRank, severityOf } from '../access-common.ts';
import type { BulkExportConfig } from './bulk-export-config.ts';
import { className, type Baseline } from './bulk-export-state.ts';

/** The finding of an operation whose CUSUM reached the threshold (`weight` its sensitivity weight). */
export function bulkExportFinding(
  c: BulkExportConfig,
  e: AccessEvent,
  role: string,
  code: number,
  size: number,
  records: boolean,
  base: Baseline,
  zscore: number,
  ratio: number,
  weight: number,
  cusum: number,
): Finding {
  const sensitivity = e.sensitivity ?? 'internal';
  const score = clampScore(50 + 3 * (cusum - c.threshold) + 8 * Math.log10(ratio) + 6 * sensitivityRank(e));
  const show = (v: number): string => (records ? `${fmt(v)} records` : fmtBytes(v));
  const expected = Math.pow(10, base.mean);
  const upper = Math.pow(10, base.mean + c.allowance_sd * base.sd);
  const verb = e.action === 'export' ? 'exported' : e.action === 'query' ? 'queried' : 'read';
  return {
    entity: { type: 'principal', id: e.principal },
    severity: severityOf(score),
    score,
    title: `Bulk ${e.action === 'export' ? 'export' : 'read'} of ${e.resource} by ${e.principal}`,
    description:
      `${e.principal} (role ${role}) ${verb} ${show(size)} of ${sensitivity} ${e.resource_type ?? 'resource'} ${e.resource}, ` +
      `${fmt(ratio)}× its typical ${className(code)} of ${show(expected)} (z = ${fmt(zscore)} against ${base.source}); ` +
      `weighted CUSUM ${fmt(cusum)} ≥ ${c.threshold}.`,
    explanation: {
      statistic:
        'sensitivity-weighted one-sided CUSUM of z-scores of log10 size per operation, by action and resource type',
      observed: size,
      expected,
      expected_range: [0, upper],
      threshold: `CUSUM >= ${c.threshold} (allowance ${c.allowance_sd} sd), op >= ${c.min_ratio}x typical`,
      window: `CUSUM half-life ${c.half_life_minutes} min; baseline ${base.source} over ${Math.round(base.n)} operations`,
      z: zscore,
      cusum,
      ratio,
      sensitivity_weight: weight,
      class: className(code),
      baseline_source: base.source,
      unit: records ? 'records' : 'bytes',
      role,
      resource: e.resource,
    },
    techniques: e.action === 'export' ? ['T1530', 'T1567'] : ['T1530', 'T1213'],
    episodeKey: e.resource,
  };
}
