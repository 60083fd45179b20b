/**
 * Resolves scenario requests into placed instances: parses start/duration/intensity,
 * picks default targets, and spreads default starts over the span after a warm-up so
 * detectors have baselines — at night or in working hours as each scenario wants.
 */
import { DAY, HOUR, localDay, localMidnight, type Calendar } from '../calendar.ts';
import type { Actor } from '../engine.ts';
import type { Label } from '../label.ts';
import {
  ScenarioError,
  type ParamValue,
  type ScenarioContext,
  type ScenarioDef,
  type ScenarioRequest,
} from './types.ts';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: HOUR, d: DAY };

/** `90m`, `1d10h`, `2h30m` → ms. */
export function parseDuration(v: string | number, what: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  const s = String(v).trim();
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    total += Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? 1);
    pos = re.lastIndex;
  }
  if (pos === 0 || pos !== s.length)
    throw new ScenarioError(`${what}: expected a duration like 90m, 2h or 1d6h, got "${s}"`);
  return total;
}

export function parseStart(v: string | number, simStart: number, what: string): number {
  if (typeof v === 'number') return v;
  if (v.startsWith('+')) return simStart + parseDuration(v.slice(1), what);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new ScenarioError(`${what}: expected RFC 3339, epoch ms or +offset, got "${v}"`);
  return t;
}

function snap(
  def: ScenarioDef,
  cal: Calendar,
  base: number,
  tz: number,
  lo: number,
  hi: number,
  rng: () => number,
): number {
  if (def.timing === 'any') return base;
  const day = localDay(base, tz);
  const hours = def.timing === 'night' ? 1.5 + rng() : 10 + 4 * rng();
  // The nearest suitable day to the spread-out base, looking both ways, inside [lo, hi].
  for (let i = 0; i < 28; i++) {
    const d = day + (i % 2 === 0 ? i / 2 : -(i + 1) / 2);
    const t = localMidnight(d, tz) + hours * HOUR;
    const ok = def.timing === 'night' || cal.isWorkday(d);
    if (ok && t >= lo && t <= hi) return t;
  }
  return base;
}

export interface PlacedScenario {
  label: Label;
  actors: Actor[];
}

/** Places request `index` of `count` and builds it. */
export function place(
  def: ScenarioDef,
  req: ScenarioRequest,
  ctx: ScenarioContext,
  index: number,
  count: number,
): PlacedScenario {
  const what = `scenario ${def.name}`;
  for (const k of Object.keys(req.params ?? {})) {
    if (!(k in def.params)) {
      const known = Object.keys(def.params).join(', ') || 'none';
      throw new ScenarioError(
        `${what}: unknown parameter "${k}" (known: ${known}, start, duration, intensity, target)`,
      );
    }
  }
  const target = def.target(ctx, req.target);
  const rest = Number.isFinite(ctx.endMs) ? ctx.endMs - ctx.startMs : 3 * DAY;
  let duration =
    req.duration === undefined ? def.durationMs : parseDuration(req.duration, `${what} duration`);
  if (duration <= 0) throw new ScenarioError(`${what}: duration must be positive`);
  let start: number;
  if (req.start !== undefined) {
    start = parseStart(req.start, ctx.startMs, `${what} start`);
  } else {
    const warm = Math.min(rest * 0.5, 2 * DAY);
    const lo = ctx.startMs + warm;
    const hi = Math.max(lo, ctx.startMs + rest - duration);
    const base = lo + ((hi - lo) * (index + 0.5)) / Math.max(1, count);
    start = Math.round(snap(def, ctx.calendar, base, target.utcOffsetH, lo, hi, () => ctx.rng.next()));
  }
  if (Number.isFinite(ctx.endMs)) {
    if (start >= ctx.endMs || start < ctx.startMs) {
      throw new ScenarioError(
        `${what}: start ${new Date(start).toISOString()} is outside the simulated span`,
      );
    }
    duration = Math.min(duration, ctx.endMs - start);
  }
  const intensity = req.intensity ?? 1;
  if (!(intensity > 0)) throw new ScenarioError(`${what}: intensity must be > 0`);
  const params: Record<string, ParamValue> = {};
  for (const [k, d] of Object.entries(def.params)) params[k] = req.params?.[k] ?? d.default;
  const placement = { start, end: start + duration, intensity, params };
  const actors = def.build(ctx, target, placement);
  for (const a of actors) a.tag = ctx.tag;
  const label: Label = {
    name: def.name,
    category: def.category,
    detectors: [...def.detectors],
    entity: target.entity,
    tenant: target.tenant,
    start: new Date(placement.start).toISOString(),
    end: new Date(placement.end).toISOString(),
    ...(def.benign === true ? { benign: true } : {}),
    params: { ...params, intensity, duration_ms: placement.end - placement.start },
  };
  return { label, actors };
}
