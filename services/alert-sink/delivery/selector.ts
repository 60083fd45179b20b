/**
 * Which alerts an output takes (DESIGN.md §6): a severity floor, and optional lists of
 * categories, detector globs ("access.*") and tenants. Compiled once per output, so the
 * per-alert check is a few comparisons.
 */
import { SEVERITIES, type Alert, type Severity } from '../../../shared/events/types.ts';

export interface SelectionConfig {
  min_severity: Severity;
  categories: readonly string[];
  detectors: readonly string[];
  tenants: readonly string[];
}

export type Selector = (alert: Alert) => boolean;

/** "access.*" → /^access\..*$/; `*` is any run of characters, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

export function compileSelector(config: SelectionConfig): Selector {
  const floor = SEVERITIES.indexOf(config.min_severity);
  const categories = config.categories.length > 0 ? new Set(config.categories) : undefined;
  const tenants = config.tenants.length > 0 ? new Set(config.tenants) : undefined;
  const detectors = config.detectors.length > 0 ? config.detectors.map(globToRegExp) : undefined;
  return (alert) =>
    SEVERITIES.indexOf(alert.severity) >= floor &&
    (categories === undefined || categories.has(alert.category)) &&
    (tenants === undefined || tenants.has(alert.tenant)) &&
    (detectors === undefined || detectors.some((d) => d.test(alert.detector)));
}
