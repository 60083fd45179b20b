/**
 * Scoped rules, evaluated by the pipeline around every detector (not inside them):
 * - `skip_learning`: the event is not given to the matching detectors at all, so a
 *   known-bad entity does not poison their baselines (and raises nothing from them);
 * - `skip_alert`: the detectors learn from the event, but their matching findings raise
 *   nothing;
 * - `set_severity`: matching findings get that severity (before `min_severity` applies).
 * Skips win over set_severity; among set_severity rules the first in order applies.
 *
 * Rules are compiled once into closures (detector globs are resolved when a processor binds
 * its detectors, not per event). They are deterministic on event time: `expires` and
 * `calendar` are judged on the event's `ts`, never the wall clock, so a replay or backtest
 * applies a rule exactly where the live run did.
 */
import type { AlertEntity, EntityType, Severity, VigilEvent } from '../events/types.ts';
import type { Finding } from './detector.ts';
import type { CalendarLookup } from './environment.ts';
import { globRegExp, type RuleConfig, type RuleEffect, type ValueMatcher } from './rule-schema.ts';

type Test = (value: unknown) => boolean;

export interface CompiledRule {
  readonly id: string;
  readonly effect: RuleEffect;
  readonly severity: Severity | undefined;
  appliesToDetector(id: string): boolean;
  /** In force for an event at `ts` (not expired, inside its calendar's windows). */
  inForce(ts: number): boolean;
  /** Tenant, site, zone and field conditions. */
  matchesEvent(event: VigilEvent): boolean;
  matchesEntity(entity: AlertEntity): boolean;
  /** The entity condition against every entity the event names (for skip_learning). */
  matchesEventEntities(event: VigilEvent): boolean;
}

function valueTest(m: ValueMatcher): Test {
  if (Array.isArray(m)) {
    const set = new Set<unknown>(m);
    return (v) => set.has(v);
  }
  if (typeof m === 'object') {
    if ('prefix' in m) return (v) => typeof v === 'string' && v.startsWith(m.prefix);
    const re = new RegExp(m.regex);
    return (v) => typeof v === 'string' && re.test(v);
  }
  return (v) => v === m;
}

function fieldGetter(path: string): (event: VigilEvent) => unknown {
  const parts = path.split('.');
  if (parts.length === 1) return (e) => e[path];
  return (e) => {
    let v: unknown = e;
    for (const p of parts) {
      if (typeof v !== 'object' || v === null) return undefined;
      v = (v as Record<string, unknown>)[p];
    }
    return v;
  };
}

/** The entities an event names, by the entity types alerts use. */
export function eventEntities(event: VigilEvent): AlertEntity[] {
  if (event.type === 'inference')
    return [
      { type: 'model', id: event.model_id },
      { type: 'principal', id: event.principal },
    ];
  if (event.type === 'access') return [{ type: 'principal', id: event.principal }];
  const out: AlertEntity[] = [
    { type: 'site', id: event.site },
    { type: 'zone', id: `${event.site}/${event.zone}` },
  ];
  if (event.kind === 'badge') out.push({ type: 'badge', id: event.badge_id });
  else out.push({ type: 'device', id: event.device_id });
  return out;
}

export function compileRule(rule: RuleConfig, calendars: CalendarLookup): CompiledRule {
  const m = rule.match;
  const detectorRes = m.detectors?.map(globRegExp);
  const eventTests: Array<(e: VigilEvent) => boolean> = [];
  if (m.tenant !== undefined) {
    const t = valueTest(m.tenant);
    eventTests.push((e) => t(e.tenant));
  }
  for (const key of ['site', 'zone'] as const) {
    const matcher = m[key];
    if (matcher === undefined) continue;
    const t = valueTest(matcher);
    eventTests.push((e) => e.type === 'facility' && t(e[key]));
  }
  for (const [path, matcher] of Object.entries(m.fields ?? {})) {
    const get = fieldGetter(path);
    const t = valueTest(matcher);
    eventTests.push((e) => t(get(e)));
  }
  const types = m.entity?.type === undefined ? undefined : new Set<EntityType>([m.entity.type].flat());
  const idTest = m.entity?.id === undefined ? undefined : valueTest(m.entity.id);
  const entityTest = (entity: AlertEntity): boolean =>
    (types === undefined || types.has(entity.type)) && (idTest === undefined || idTest(entity.id));
  const expiresMs = rule.expires === undefined ? Number.POSITIVE_INFINITY : Date.parse(rule.expires);
  const calendar = rule.calendar;

  return {
    id: rule.id,
    effect: rule.effect,
    severity: rule.severity,
    appliesToDetector: (id) => detectorRes === undefined || detectorRes.some((re) => re.test(id)),
    inForce: (ts) => ts < expiresMs && (calendar === undefined || calendars.isActive(calendar, ts)),
    matchesEvent: (e) => eventTests.every((t) => t(e)),
    matchesEntity: (entity) => m.entity === undefined || entityTest(entity),
    matchesEventEntities: (e) => m.entity === undefined || eventEntities(e).some(entityTest),
  };
}

export interface RuleCount {
  rule: string;
  detector: string;
  effect: RuleEffect;
  n: number;
}

/** Counts of rule applications since the last drain, by rule, detector and effect. */
export class RuleCounts {
  private counts = new Map<string, RuleCount>();

  add(rule: string, detector: string, effect: RuleEffect): void {
    const key = `${rule}\u0000${detector}\u0000${effect}`;
    const c = this.counts.get(key);
    if (c === undefined) this.counts.set(key, { rule, detector, effect, n: 1 });
    else c.n++;
  }

  drain(): RuleCount[] {
    const out = [...this.counts.values()];
    this.counts = new Map();
    return out;
  }
}

/** The rules that bear on one detector, in rule order. */
export class DetectorRules {
  private readonly learning: readonly CompiledRule[];
  private readonly alerting: readonly CompiledRule[];

  constructor(
    private readonly detector: string,
    rules: readonly CompiledRule[],
    private readonly counts: RuleCounts,
  ) {
    const mine = rules.filter((r) => r.appliesToDetector(detector));
    this.learning = mine.filter((r) => r.effect === 'skip_learning');
    this.alerting = mine.filter((r) => r.effect !== 'skip_learning');
  }

  /** True when a skip_learning rule keeps `event` from this detector. */
  skipsLearning(event: VigilEvent): boolean {
    for (const r of this.learning) {
      if (r.inForce(event.ts) && r.matchesEvent(event) && r.matchesEventEntities(event)) {
        this.counts.add(r.id, this.detector, r.effect);
        return true;
      }
    }
    return false;
  }

  /** `finding` as it should be raised (severity possibly set), or null when a rule suppresses it. */
  admit(finding: Finding, event: VigilEvent): Finding | null {
    if (this.alerting.length === 0) return finding;
    let severity: CompiledRule | undefined;
    for (const r of this.alerting) {
      if (!r.inForce(event.ts) || !r.matchesEntity(finding.entity) || !r.matchesEvent(event)) continue;
      if (r.effect === 'skip_alert') {
        this.counts.add(r.id, this.detector, r.effect);
        return null;
      }
      severity ??= r;
    }
    if (severity === undefined || severity.severity === finding.severity) return finding;
    this.counts.add(severity.id, this.detector, severity.effect);
    return { ...finding, severity: severity.severity! };
  }
}

/**
 * The rules in force, shared by every processor of a process. `replace` (config reload,
 * rules API) swaps them; processors re-bind at their next batch, keeping their state.
 */
export class RuleBook {
  private current: readonly CompiledRule[];
  private revision = 0;

  constructor(rules: readonly CompiledRule[] = []) {
    this.current = rules;
  }

  get version(): number {
    return this.revision;
  }

  get rules(): readonly CompiledRule[] {
    return this.current;
  }

  replace(rules: readonly CompiledRule[]): void {
    this.current = rules;
    this.revision++;
  }

  forDetector(id: string, counts: RuleCounts): DetectorRules {
    return new DetectorRules(id, this.current, counts);
  }
}
