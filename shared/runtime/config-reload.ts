/**
 * Hot reload of the config file (VIGIL_CONFIG). The file is polled (stat every second:
 * unlike fs.watch this survives editors that replace the file and Kubernetes ConfigMap
 * symlink swaps); when its content changes it is loaded exactly as at boot. A valid file
 * applies to the running process with baselines kept: calendars are swapped in place,
 * the file's rules replace the old ones, changed detector sections reconfigure the
 * monitors (unless a change saved through the API overrides them, as at boot). An invalid
 * file is refused with every problem logged, and the running configuration stays.
 * Sections read only at start (topics, pipeline, clickhouse, webhooks) are reported as
 * needing a restart.
 */
import { createHash } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { ResolvedConfig } from '../config/index.ts';
import { errorMessage, VigilError } from '../errors.ts';
import type { LoadedConfiguration } from './configuration.ts';
import type { ServiceContext } from './context.ts';
import type { ConfiguredEnvironment } from './environment.ts';
import type { RunningService } from './service.ts';

export interface ConfigReloadOptions {
  file: string;
  /** Loads and validates the file as boot does; throws VGL_ERR_CONFIG_INVALID listing problems. */
  load(): LoadedConfiguration;
  environment: ConfiguredEnvironment;
  /** The configuration running now (default: the context's). */
  initial?: ResolvedConfig;
  intervalMs?: number;
}

const RESTART_ONLY = ['topics', 'pipeline', 'clickhouse', 'webhooks'] as const;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export interface ReloadOutcome {
  applied: boolean;
  problems: string[];
  changed: string[];
}

export function watchConfig(
  ctx: ServiceContext,
  options: ConfigReloadOptions,
): RunningService & {
  /** Checks the file now (the poller calls this; tests may too). */
  check(): Promise<ReloadOutcome | undefined>;
} {
  const log = ctx.log.child({ service: 'config-reload', file: options.file });
  let current: ResolvedConfig = options.initial ?? ctx.config;
  const digest = (): string | undefined => {
    try {
      return createHash('sha256').update(readFileSync(options.file)).digest('hex');
    } catch {
      return undefined;
    }
  };
  let seen = digest();
  let running: Promise<ReloadOutcome | undefined> = Promise.resolve(undefined);

  const reload = async (): Promise<ReloadOutcome> => {
    let loaded: LoadedConfiguration;
    try {
      loaded = options.load();
    } catch (err) {
      const problems =
        err instanceof VigilError
          ? ((err.context['problems'] as string[] | undefined) ?? [err.message])
          : [errorMessage(err)];
      log.error(
        { code: 'VGL_ERR_CONFIG_RELOAD', problems },
        `config file changed but is invalid (${problems.length} problems); the running configuration is kept`,
      );
      return { applied: false, problems, changed: [] };
    }
    const next = loaded.config;
    const changed: string[] = [];
    if (!same(next.calendars, current.calendars)) {
      options.environment.calendars.replace(next.calendars);
      changed.push('calendars');
    }
    if (!same(next.rules, current.rules)) {
      (await ctx.rules()).setFileRules(next.rules);
      changed.push('rules');
    }
    const { applied, overridden } = (await ctx.detectorConfig()).applyFile(loaded.detectors);
    changed.push(...applied.map((id) => `detectors.${id}`));
    if (overridden.length > 0)
      log.warn(
        { detectors: overridden },
        'file changes to these detectors are overridden by changes saved through the API',
      );
    const restart = RESTART_ONLY.filter((k) => !same(next[k], current[k]));
    if (restart.length > 0)
      log.warn({ sections: restart }, 'these sections change only on restart; not applied');
    current = next;
    log.info({ changed }, changed.length > 0 ? 'config reloaded' : 'config file changed; nothing to apply');
    return { applied: true, problems: [], changed };
  };

  const check = (): Promise<ReloadOutcome | undefined> => {
    running = running.then(async () => {
      const now = digest();
      if (now === undefined || now === seen) return undefined;
      seen = now;
      return reload();
    });
    return running;
  };

  const onChange = (): void =>
    void check().catch((err: unknown) => log.error({ err: errorMessage(err) }, 'config reload failed'));
  watchFile(options.file, { interval: options.intervalMs ?? 1000, persistent: false }, onChange);
  log.info({}, 'watching the config file for changes');
  return {
    name: 'config-reload',
    ready: () => true,
    check,
    async stop() {
      unwatchFile(options.file, onChange);
      await running.catch(() => undefined);
    },
  };
}
