/**
 * access.off_hours' finding: the events in the sliding hour against the hour of the week's
 * expected rate and the principal's busiest hour, with the sensitivity of what was touched.
 */
import type { AccessEvent } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import { negBinomialSurprise } from '../../../shared/stats/count-tails.ts';
import { SENSITIVITY_NAMES, clampScore, fmt, severityOf } from '../access-common.ts';
import type { OffHoursConfig } from './off-hours-config.ts';
import type { Rates } from './off-hours-rates.ts';

/** Added to the surprise by sensitivity level: public … restricted, a restricted secret. */
export const SENS_BONUS = [-1, 0, 1, 2, 3];
const SENS_LABEL = [...SENSITIVITY_NAMES, 'restricted secret'];

/** The finding of `n` events in a rare hour (`level` the highest sensitivity level touched). */
export function offHoursFinding(
  c: OffHoursConfig,
  e: AccessEvent,
  role: string,
  n: number,
  r: Rates,
  surprise: number,
  level: number,
  total: number,
): Finding {
  const score = clampScore(45 + 4 * (total - c.surprise_threshold) + 6 * level);
  const how = SENS_LABEL[level] ?? 'internal';
  const at = new Date(e.ts);
  const day = at.toUTCString().slice(0, 3);
  const hh = String(at.getUTCHours()).padStart(2, '0');
  let upper = c.min_events;
  while (
    upper < n &&
    negBinomialSurprise(upper, r.shape, r.beta / (r.beta + 1)) + (SENS_BONUS[level] as number) <
      c.surprise_threshold
  )
    upper++;
  return {
    entity: { type: 'principal', id: e.principal },
    severity: severityOf(score),
    score,
    title: `Off-hours activity by ${e.principal}`,
    description:
      `${e.principal} (role ${role}) made ${n} accesses in the last hour (${day} ${hh}:00 UTC, up to ${how} data, latest ${e.action} ${e.resource}); ` +
      `its profile expects ${fmt(r.lambda, 2)} at this hour of the week (busiest hour ${fmt(r.busiest, 2)}); ` +
      `P(N ≥ ${n}) = 1e-${fmt(surprise)}, with the sensitivity bonus ${fmt(total)} ≥ ${c.surprise_threshold}.`,
    explanation: {
      statistic:
        'negative binomial upper tail of events in the sliding hour, against the hour-of-week profile (role prior), plus a sensitivity bonus',
      observed: n,
      expected: r.lambda,
      expected_range: [0, upper - 1],
      threshold: `rate < ${c.rare_share} x busiest hour; -log10 p + bonus >= ${c.surprise_threshold}; >= ${c.min_events} events`,
      window: '60 min sliding; profile per hour of week (UTC)',
      surprise_log10: surprise,
      sensitivity: how,
      busiest_hour_rate: r.busiest,
      hour_of_week_utc: `${day} ${hh}:00`,
      role,
      resource: e.resource,
    },
    techniques: ['T1078'],
  };
}
