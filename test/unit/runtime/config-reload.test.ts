/**
 * Hot reload on the embedded bus (the real-broker test is test/integration/config-reload):
 * a valid change swaps calendars, rules and detector sections in place; an invalid one is
 * refused with every problem and the old configuration keeps running.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_DETECTORS } from '../../../services/cli/catalogue.ts';
import { createLogger } from '../../../shared/log/logger.ts';
import { watchConfig } from '../../../shared/runtime/config-reload.ts';
import { loadConfiguration } from '../../../shared/runtime/configuration.ts';
import { createContext, type ServiceContext } from '../../../shared/runtime/context.ts';
import { buildEnvironment } from '../../../shared/runtime/environment.ts';

const contexts: ServiceContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

describe('config reload', () => {
  it('applies a valid change in place and refuses an invalid one, listing every problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-reload-'));
    const file = join(dir, 'vigil.yaml');
    const write = (config: unknown): void => writeFileSync(file, JSON.stringify(config));
    write({ detectors: { 'access.cross_tenant': { allowed_pairs: [] } } });
    const env = { VIGIL_DATA_DIR: dir };
    const { config, detectors } = loadConfiguration(ALL_DETECTORS, { configFile: file, env });
    const environment = buildEnvironment(config);
    const ctx = await createContext({
      config,
      detectors,
      environment,
      log: createLogger({ level: 'silent' }),
    });
    contexts.push(ctx);
    const hub = await ctx.detectorConfig();
    const changes: string[] = [];
    hub.onChange((d) => changes.push(d.definition.id));
    await ctx.rules();
    const watcher = watchConfig(ctx, {
      file,
      environment,
      load: () => loadConfiguration(ALL_DETECTORS, { configFile: file, env }),
      intervalMs: 60_000,
    });
    try {
      expect(await watcher.check()).toBeUndefined(); // unchanged

      write({
        detectors: { 'access.cross_tenant': { allowed_pairs: ['acme->globex'] } },
        calendars: {
          night: { timezone: 'UTC', windows: [{ rrule: 'FREQ=DAILY', start: '22:00', end: '06:00' }] },
        },
        rules: [
          {
            id: 'etl',
            reason: 'known job',
            effect: 'skip_alert',
            match: { entity: { id: 'etl' } },
            calendar: 'night',
          },
        ],
      });
      const version = ctx.ruleBook.version;
      expect(await watcher.check()).toEqual({
        applied: true,
        problems: [],
        changed: ['calendars', 'rules', 'detectors.access.cross_tenant'],
      });
      expect(changes).toEqual(['access.cross_tenant']);
      expect(hub.get('access.cross_tenant')!.config).toMatchObject({ allowed_pairs: ['acme->globex'] });
      expect(ctx.ruleBook.version).toBeGreaterThan(version);
      expect(ctx.ruleBook.rules.map((r) => r.id)).toEqual(['etl']);
      expect(environment.calendars.isActive('night', Date.parse('2026-03-02T23:00:00Z'))).toBe(true);

      write({
        detectors: { 'access.cross_tenant': { allowed_pairs: 3 }, 'nope.detector': {} },
        calendars: {
          night: {
            timezone: 'Nowhere/City',
            windows: [{ rrule: 'FREQ=DAILY', start: '22:00', end: '06:00' }],
          },
        },
        rules: [{ id: 'etl', reason: 'known job', effect: 'skip_alert', match: { detectors: ['acess.*'] } }],
      });
      const refused = await watcher.check();
      expect(refused?.applied).toBe(false);
      expect(refused?.problems).toEqual([
        'file.calendars.night.timezone: unknown time zone "Nowhere/City" (IANA name, e.g. Europe/Paris)',
      ]);
      // Still the old configuration.
      expect(ctx.ruleBook.rules.map((r) => r.id)).toEqual(['etl']);
      expect(environment.calendars.isActive('night', Date.parse('2026-03-02T23:00:00Z'))).toBe(true);

      write({
        detectors: { 'access.cross_tenant': { allowed_pairs: 3 }, 'nope.detector': {} },
        rules: [{ id: 'etl', reason: 'known job', effect: 'skip_alert', match: { detectors: ['acess.*'] } }],
      });
      const refused2 = await watcher.check();
      expect(refused2?.problems).toEqual([
        expect.stringMatching(/^detectors\.nope\.detector: unknown detector id/),
        'detectors.access.cross_tenant.allowed_pairs: Invalid input: expected array, received number',
        expect.stringMatching(/^rules\.0\.match\.detectors\.0: matches no detector/),
      ]);
      expect(hub.get('access.cross_tenant')!.config).toMatchObject({ allowed_pairs: ['acme->globex'] });
    } finally {
      await watcher.stop();
    }
  });
});
