/**
 * The configured calendars as the pipeline's CalendarLookup. One instance lives for the
 * process; a config reload swaps its contents (`replace`), so detectors and rules holding
 * the lookup see the new windows from their next event on, without being rebuilt.
 */
import type { CalendarLookup } from '../pipeline/environment.ts';
import type { Calendar } from './calendar.ts';
import { compileCalendars, type CalendarsConfig } from './config.ts';

export class CalendarSet implements CalendarLookup {
  private calendars: ReadonlyMap<string, Calendar>;

  constructor(calendars: ReadonlyMap<string, Calendar> = new Map()) {
    this.calendars = calendars;
  }

  /** From a validated `calendars:` section (the config loader has already reported problems). */
  static fromConfig(config: CalendarsConfig): CalendarSet {
    return new CalendarSet(compileCalendars(config).calendars);
  }

  has(name: string): boolean {
    return this.calendars.has(name);
  }

  /** False for an unknown name: config validation makes sure referenced calendars exist. */
  isActive(name: string, ts: number): boolean {
    return this.calendars.get(name)?.isActive(ts) ?? false;
  }

  get(name: string): Calendar | undefined {
    return this.calendars.get(name);
  }

  names(): string[] {
    return [...this.calendars.keys()];
  }

  replace(config: CalendarsConfig): void {
    this.calendars = compileCalendars(config).calendars;
  }
}
