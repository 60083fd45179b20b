/**
 * The life of a drift reference, shared by `inference.drift.output` and
 * `inference.drift.input`: first `edge_sample` values fix each column's bin edges (at
 * the sample's quantiles), then every value of the reference period is counted into
 * those bins, and then the reference is frozen: values go into a current window that is
 * compared with it when it closes (after `window_size` values, or after
 * `window_max_minutes` once it has `window_min_size`), and starts again. The reference
 * only changes when its re-baseline token changes (config key `rebaseline`): then it is
 * learned again from scratch. State is plain JSON, a few hundred numbers per column.
 */
import { z } from 'zod';
import { binIndex, quantileEdges } from '../../shared/stats/binned-drift.ts';
import { round } from './packed.ts';
import { propertyName } from './property-keys.ts';

export const FINE_BINS = 20;
/** Fewest values of the edge sample a column needs to be monitored. */
const MIN_EDGE_SAMPLE = 50;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface ReferenceSettings {
  consecutive_windows: number;
  edge_sample: number;
  reference_hours: number;
  reference_min_size: number;
  window_size: number;
  window_min_size: number;
  window_max_minutes: number;
}

export type Phase = 'edges' | 'reference' | 'monitor';

export interface Lifecycle {
  /** Re-baseline token the reference was learned under. */
  token: string;
  phase: Phase;
  /** First event time of the reference (edges phase included). */
  refStart: number;
  /** Values counted into the reference (or the edge sample). */
  refN: number;
  /** When the reference was frozen. */
  frozenAt: number | null;
  winStart: number;
  winN: number;
  /** Windows compared so far. */
  windows: number;
  /** Consecutive drifted windows up to the last one compared. */
  streak: number;
}

export interface NumericColumn {
  /** Edge sample while learning edges; empty afterwards. */
  sample: number[];
  /** Null: too few values to monitor (until the next re-baseline). */
  edges: number[] | null;
  ref: number[];
  cur: number[];
}

export interface CategoricalColumn {
  names: string[];
  ref: number[];
  cur: number[];
}

export function newLifecycle(token: string, t: number): Lifecycle {
  return {
    token,
    phase: 'edges',
    refStart: t,
    refN: 0,
    frozenAt: null,
    winStart: t,
    winN: 0,
    windows: 0,
    streak: 0,
  };
}

export function newNumeric(): NumericColumn {
  return { sample: [], edges: null, ref: [], cur: [] };
}

export function newCategorical(): CategoricalColumn {
  return { names: [], ref: [], cur: [] };
}

/** Counts `x` where the phase puts it. */
export function addNumeric(col: NumericColumn, phase: Phase, x: number): void {
  if (!Number.isFinite(x)) return;
  if (phase === 'edges') {
    col.sample.push(x);
    return;
  }
  if (col.edges === null) return;
  const counts = phase === 'reference' ? col.ref : col.cur;
  const b = binIndex(col.edges, x);
  counts[b] = (counts[b] as number) + 1;
}

/** Most categories kept per column; later ones share the last, "(other)", bucket. */
const MAX_CATEGORIES = 32;

export function addCategory(col: CategoricalColumn, phase: Phase, name: string): void {
  let i = col.names.indexOf(name);
  if (i < 0) {
    if (col.names.length < MAX_CATEGORIES) {
      i = col.names.push(name) - 1;
      col.ref.push(0);
      col.cur.push(0);
    } else i = MAX_CATEGORIES - 1;
  }
  const counts = phase === 'monitor' ? col.cur : col.ref;
  counts[i] = (counts[i] as number) + 1;
}

/** Ends the edges phase of a column: edges from its sample, the sample counted in. */
function fixEdges(col: NumericColumn): void {
  if (col.sample.length >= MIN_EDGE_SAMPLE) {
    col.edges = quantileEdges(col.sample, FINE_BINS);
    col.ref = new Array<number>(col.edges.length + 1).fill(0);
    col.cur = new Array<number>(col.edges.length + 1).fill(0);
    for (const x of col.sample) {
      const b = binIndex(col.edges, x);
      col.ref[b] = (col.ref[b] as number) + 1;
    }
  }
  col.sample = [];
}

/**
 * Moves the lifecycle on after an event at `t` carrying values; returns true when the
 * current window has just closed and should be compared (the caller then calls
 * `resetWindow`).
 */
export function advance(
  life: Lifecycle,
  t: number,
  cfg: ReferenceSettings,
  numeric: readonly NumericColumn[],
): boolean {
  if (life.phase === 'edges') {
    life.refN++;
    if (life.refN >= cfg.edge_sample) {
      for (const col of numeric) fixEdges(col);
      life.phase = 'reference';
    }
    return false;
  }
  if (life.phase === 'reference') {
    life.refN++;
    if (life.refN >= cfg.reference_min_size && t - life.refStart >= cfg.reference_hours * HOUR_MS) {
      life.phase = 'monitor';
      life.frozenAt = t;
      life.winStart = t;
      life.winN = 0;
    }
    return false;
  }
  life.winN++;
  return (
    life.winN >= cfg.window_size ||
    (life.winN >= cfg.window_min_size && t - life.winStart >= cfg.window_max_minutes * MINUTE_MS)
  );
}

/** Records a compared window's verdict; true when the drift has lasted long enough to report. */
export function sustained(life: Lifecycle, drifted: boolean, cfg: ReferenceSettings): boolean {
  life.streak = drifted ? life.streak + 1 : 0;
  return life.streak >= cfg.consecutive_windows;
}

/** What a window keeps, besides its counts, for the evidence of its finding. */
export interface WindowEvidence {
  /** Heavy hitters among the window's callers. */
  callers: Record<string, number>;
  /** Event ids spread over the window (evidence samples, at most 19). */
  samples: string[];
}

/** Notes a monitored event (before `advance` counts it) in its window's evidence. */
export function noteWindowEvent(
  evidence: WindowEvidence,
  life: Lifecycle,
  principal: string,
  eventId: string,
  windowSize: number,
): void {
  if (life.phase !== 'monitor') return;
  countCaller(evidence.callers, principal);
  sampleInto(evidence.samples, eventId, life.winN, windowSize);
}

/** Starts the next window at `t` after a compared one: counts and evidence cleared. */
export function resetWindow(
  life: Lifecycle,
  t: number,
  numeric: readonly NumericColumn[],
  categorical: readonly CategoricalColumn[],
  evidence: WindowEvidence,
): void {
  life.windows++;
  life.winStart = t;
  life.winN = 0;
  for (const c of numeric) c.cur.fill(0);
  for (const c of categorical) c.cur.fill(0);
  evidence.callers = {};
  evidence.samples = [];
}

/** The re-baseline token that applies to `model`: its own, else the `*` entry, else "". */
export function tokenFor(
  rebaseline: Readonly<Record<string, string>>,
  model: string,
  version?: string,
): string {
  if (version !== undefined) {
    const v = rebaseline[`${model}@${version}`];
    if (v !== undefined) return v;
  }
  return rebaseline[model] ?? rebaseline['*'] ?? '';
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The texts of a finding on the window closing at `t`, counted in `unit` ("requests",
 * "predictions"): the window, the reference (with its token), and when it was frozen.
 */
export function windowTexts(
  life: Lifecycle,
  t: number,
  unit: string,
): { frozen: number; window: string; reference: string } {
  const frozen = life.frozenAt ?? t;
  return {
    frozen,
    window: `last ${life.winN} ${unit} (${iso(life.winStart)} – ${iso(t)})`,
    reference: `${life.refN} ${unit}, ${iso(life.refStart)} – ${iso(frozen)}, token "${life.token}"`,
  };
}

/** Evidence of a PSI verdict: the PSI against its chance level, the bar `threshold` above it. */
export function psiEvidence(
  psi: number,
  psiNull: number,
  threshold: number,
): { observed: number; expected: number; threshold: number; expected_range: [number, number] } {
  const bar = round(psiNull + threshold, 4);
  return { observed: round(psi, 4), expected: round(psiNull, 4), threshold: bar, expected_range: [0, bar] };
}

/** The reference and window keys both drift detectors share. */
export const referenceConfig = {
  suppression_minutes: z
    .number()
    .min(0)
    .default(480)
    .describe(
      'Drifted windows within this many minutes of the previous one update the same alert: one alert per drift episode while windows (an hour or so each) keep drifting.',
    ),
  rebaseline: z
    .record(z.string(), z.string())
    .default({})
    .describe(
      'Re-baseline tokens: {"<model>" | "<model>@<version>" | "*": "<token>"}. When a model’s token changes, its reference is learned again.',
    ),
  consecutive_windows: z
    .number()
    .int()
    .min(1)
    .default(2)
    .describe(
      'Drifted windows in a row before a finding: a drift is a sustained change, and one window in a few hundred differs by chance.',
    ),
  edge_sample: z
    .number()
    .int()
    .min(50)
    .max(2000)
    .default(200)
    .describe('First values of a reference whose quantiles fix the bin edges.'),
  reference_hours: z
    .number()
    .min(0)
    .default(24)
    .describe('Hours of traffic a reference spans before it is frozen (a day covers the daily cycle).'),
  reference_min_size: z
    .number()
    .int()
    .min(50)
    .default(500)
    .describe('Values a reference needs before it is frozen, however long it takes.'),
  window_size: z
    .number()
    .int()
    .min(50)
    .max(1000)
    .default(500)
    .describe(
      'Values in a current window compared with the reference (≤ 1000, where Evidently uses KS and chi-squared).',
    ),
  window_min_size: z
    .number()
    .int()
    .min(50)
    .max(1000)
    .default(100)
    .describe('A window that has lasted window_max_minutes is compared once it has this many values.'),
  window_max_minutes: z
    .number()
    .gt(0)
    .default(60)
    .describe('A window is compared after this long even if it holds fewer than window_size values.'),
  reference_cap: z
    .number()
    .int()
    .min(50)
    .default(1000)
    .describe('The reference counts as at most this many observations in the tests’ p-values.'),
};

/** Most principals tracked per window (Misra–Gries summary). */
const CALLERS = 8;

/**
 * Counts `principal` in a window's heavy-hitter summary (Misra & Gries 1982): at most
 * `CALLERS` counters; each count under-estimates by at most window / (CALLERS + 1). It
 * tells an analyst when one caller's traffic is behind a drifted window.
 */
function countCaller(callers: Record<string, number>, caller: string): void {
  const principal = propertyName(caller);
  // Own keys only: a principal called `toString` is not Object.prototype's.
  if (Object.hasOwn(callers, principal)) {
    callers[principal] = (callers[principal] as number) + 1;
    return;
  }
  let keys = 0;
  for (const _ in callers) keys++;
  if (keys < CALLERS) {
    callers[principal] = 1;
    return;
  }
  // Deleting the key being visited is safe in for-in: every other key is still visited once.
  for (const k in callers) {
    const c = (callers[k] as number) - 1;
    if (c <= 0) delete callers[k];
    else callers[k] = c;
  }
}

/** The window's largest callers with their (lower-bound) share of its requests. */
export function topCallers(
  callers: Record<string, number>,
  total: number,
): Array<{ principal: string; share: number }> {
  return Object.entries(callers)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([principal, n]) => ({ principal, share: total > 0 ? Math.round((1000 * n) / total) / 1000 : 0 }));
}

/**
 * Keeps up to 19 event ids spread evenly over a window of up to `windowSize` values (the
 * `n`-th value of the window, 0-based), for a finding's sample ids (the closing event is
 * the 20th).
 */
function sampleInto(samples: string[], eventId: string, n: number, windowSize: number): void {
  const every = Math.max(1, Math.ceil(windowSize / 19));
  if (n % every === 0 && samples.length < 19) samples.push(eventId);
}
