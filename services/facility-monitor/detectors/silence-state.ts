/**
 * facility.silence's keyed values: per zone (key `site/zone`) its devices' reporting
 * models, and per partition the index of the zones' deadlines.
 */

export interface Device {
  /** Last report, event time ms. */
  l: number;
  /** Learned reporting interval, ms. */
  i: number;
  /** Learned mean absolute deviation of the interval, ms (irregular reporters). */
  a: number;
  /** Reports seen (capped once learned). */
  n: number;
  /** Event id of the last report. */
  e: string;
  /** OK, HELD or ALERTED (silence.ts). */
  s: number;
}

export interface Zone {
  d: Record<string, Device>;
}

/** Site and zone of a `site/zone` key. */
export function place(key: string): { site: string; zone: string } {
  const slash = key.indexOf('/');
  return { site: key.slice(0, slash), zone: key.slice(slash + 1) };
}

export interface Index {
  /** Earliest deadline per zone (a lower bound: reports only move deadlines later). */
  z: Record<string, number>;
  /** Earliest of them. */
  nx: number;
}
