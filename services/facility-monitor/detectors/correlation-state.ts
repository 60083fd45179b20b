/**
 * cyber_physical.correlation's keyed values: per zone the recent physical signs and the
 * facility parts cited, per device what it last reported.
 */

export interface Sign {
  /** Event time, ms. */
  t: number;
  /** forced, denied_burst, restricted_off_hours, denied_then_granted… */
  k: string;
  /** The part alert's id ('' for a sign read from events). */
  a: string;
  title: string;
  /** Evidence event ids. */
  e: string[];
}

export interface Part {
  t: number;
  /** The part's alert id ('' for a change read from the events, until its alert comes). */
  a: string;
  detector: string;
  title: string;
  /** Device and change (`config_hash`, `firmware`, `state:<state>`) of a state part. */
  d?: string;
  k?: string;
}

/** What a device last reported. */
export interface DeviceState {
  s: string;
  fw?: string;
  ch?: string;
  /** Event-time day of the last write (keeps the idle time to live fresh). */
  day: number;
}

export interface ZoneState {
  signs: Sign[];
  /** Facility parts cited so far (kept for the timeline). */
  parts: Part[];
  techniques: string[];
}
