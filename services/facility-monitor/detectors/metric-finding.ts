/**
 * facility.metric's finding: one per anomalous episode of a device, explained by the
 * combined statistic that decided, the metric that contributed most (its reading against
 * its own expected range) and the other metrics that added evidence, with their surprises.
 */
import type { CoolingEvent, Severity, UpsEvent } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import type { MultivariateResult } from '../../../shared/stats/multivariate-detector.ts';
import type { UnivariateResult } from '../../../shared/stats/univariate-detector.ts';

/**
 * A metric whose surprise reaches 1 (a tail probability ≤ 0.1) is named as contributing:
 * the level from which the combination's CUSUM counts a row as evidence.
 */
const CONTRIBUTING_SURPRISE = 1;

export interface FindingContext {
  threshold: number;
  /** Human-readable models and baseline, the same for every finding. */
  window: string;
}

export interface Contributor {
  metric: string;
  statistic: string;
  surprise: number;
}

export function deviceFinding(
  columns: readonly string[],
  r: MultivariateResult,
  event: UpsEvent | CoolingEvent,
  ctx: FindingContext,
): Finding | null {
  const c = r.combined;
  const top = r.columns[c.column];
  if (top === null || top === undefined) return null;
  const metric = columns[c.column] as string;
  const others: Contributor[] = [];
  let present = 0;
  for (let i = 0; i < columns.length; i++) {
    const m = r.columns[i];
    if (m === null || m === undefined) continue;
    present++;
    if (i !== c.column && m.surprise >= CONTRIBUTING_SURPRISE)
      others.push({
        metric: columns[i] as string,
        statistic: `univariate.${m.statistic}`,
        surprise: round(m.surprise),
      });
  }
  others.sort((a, b) => b.surprise - a.surprise);
  const severity: Severity = c.score >= 0.95 ? 'high' : c.score >= 0.75 ? 'medium' : 'low';
  const kind = event.kind === 'ups' ? 'UPS' : 'cooling unit';
  const device = event.device_id;
  const range = top.statistic === 'stuck' ? 'changing values' : `${fmt(top.lower)} to ${fmt(top.upper)}`;
  const withOthers =
    others.length === 0
      ? ''
      : `, together with ${others.map((o) => `${o.metric} (surprise ${o.surprise.toFixed(1)})`).join(', ')}`;
  return {
    entity: { type: 'device', id: device },
    severity,
    score: Math.round(c.score * 100),
    title:
      `${metric} on ${kind} ${device}: ${LABEL[top.statistic]}` +
      (others.length === 0 ? '' : ` (with ${others.map((o) => o.metric).join(', ')})`),
    description:
      `${metric} on ${kind} ${device} (${event.site}/${event.zone}) read ${fmt(top.observed)}, against ` +
      `an expected ${range} (forecast ${fmt(top.expected)}; its ${top.statistic} statistic's surprise ` +
      `${top.surprise.toFixed(1)})${withOthers}; ${RULE[c.rule]} over ${present} metrics gives a ` +
      `surprise of ${c.surprise.toFixed(1)}, score ${c.score.toFixed(2)} ≥ threshold ${ctx.threshold}.`,
    explanation: {
      statistic: `multivariate.${c.rule}`,
      observed: top.observed,
      expected: top.expected,
      expected_range: [top.lower, top.upper],
      threshold: ctx.threshold,
      window: ctx.window,
      surprise_log10: c.surprise,
      metric,
      metric_statistic: `univariate.${top.statistic}`,
      metric_surprise: top.surprise,
      contributors: others,
      metrics_present: present,
      episode: c.episode,
      site: event.site,
      zone: event.zone,
    },
    // One episode per device: the combination is one anomaly however many metrics move.
    episodeKey: 'combined',
  };
}

const LABEL: Record<UnivariateResult['statistic'], string> = {
  spike: 'sudden jump',
  seasonal: 'outside its usual range for the time of day',
  shift: 'level shift',
  drift: 'drifting away from its baseline',
  variance: 'change in variability',
  stuck: 'stuck value',
};

const RULE: Record<MultivariateResult['combined']['rule'], string> = {
  fisher: "Fisher's combination of the metrics' surprises",
  sustained: 'evidence sustained over readings (CUSUM of the combined surprise)',
  max: 'the most surprising metric alone',
};

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3);
}
