import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../shared/config/index.ts';
import { VigilError } from '../../../shared/errors.ts';
import { buildEnvironment } from '../../../shared/runtime/environment.ts';

const calendars = {
  'maintenance-paris': {
    timezone: 'Europe/Paris',
    description: 'first Sunday of the month, 02:00–06:00',
    windows: [{ rrule: 'FREQ=MONTHLY;BYDAY=1SU', start: '02:00', end: '06:00' }],
  },
};

describe('calendars in config', () => {
  it('are validated once with the rest of the config and reach detectors through the environment', () => {
    const config = resolveConfig({ env: {}, overrides: { calendars } });
    const env = buildEnvironment(config);
    expect(env.calendars.has('maintenance-paris')).toBe(true);
    expect(env.calendars.has('nope')).toBe(false);
    expect(env.calendars.isActive('maintenance-paris', Date.parse('2026-03-01T02:00:00Z'))).toBe(true);
    expect(env.calendars.isActive('maintenance-paris', Date.parse('2026-03-08T02:00:00Z'))).toBe(false);
    expect(env.calendars.isActive('nope', Date.parse('2026-03-01T02:00:00Z'))).toBe(false);
  });

  it('a reload swaps the windows under the same lookup', () => {
    const env = buildEnvironment(resolveConfig({ env: {}, overrides: { calendars } }));
    const lookup = env.calendars;
    lookup.replace({
      'maintenance-paris': { timezone: 'UTC', windows: [{ from: '2026-03-08', to: '2026-03-08' }] },
    });
    expect(lookup.isActive('maintenance-paris', Date.parse('2026-03-01T02:00:00Z'))).toBe(false);
    expect(lookup.isActive('maintenance-paris', Date.parse('2026-03-08T02:00:00Z'))).toBe(true);
  });

  it('every problem is listed with its path', () => {
    let error: unknown;
    try {
      resolveConfig({
        env: {},
        overrides: {
          calendars: {
            a: { timezone: 'Nowhere/City', windows: [{ rrule: 'FREQ=DAILY', end: '01:00' }] },
            b: { windows: [{ rrule: 'FREQ=DAILY;BYDAY=MO;BYFOO=1', end: '1:00' }] },
          },
        },
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).context['problems']).toEqual([
      'config.calendars.a.timezone: unknown time zone "Nowhere/City" (IANA name, e.g. Europe/Paris)',
      'config.calendars.b.windows.0.rrule: BYFOO is not supported',
    ]);
  });
});
