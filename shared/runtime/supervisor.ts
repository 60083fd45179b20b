/**
 * Starts services on one context and stops them in reverse order, once. SIGTERM/SIGINT
 * trigger the same path: drain, flush, commit, close — then the process exits 0.
 */
import { errorMessage } from '../errors.ts';
import type { ServiceContext } from './context.ts';
import type { RunningService, ServiceDefinition } from './service.ts';

export interface Supervisor {
  readonly running: readonly RunningService[];
  /** Adopts a service started outside (stopped first, as the last one started). */
  add(service: RunningService): void;
  notReady(): string[];
  /** Services whose stop() has not finished yet (to name what a timed-out shutdown left). */
  stopping(): string[];
  stop(): Promise<void>;
}

export async function startServices(
  ctx: ServiceContext,
  definitions: readonly ServiceDefinition[],
  extra: readonly RunningService[] = [],
): Promise<Supervisor> {
  const running: RunningService[] = [...extra];
  const inStop = new Set<string>();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const service of [...running].reverse()) {
        inStop.add(service.name);
        try {
          await service.stop();
          ctx.log.info({ service: service.name }, 'stopped');
        } catch (err) {
          ctx.log.error({ service: service.name, err: errorMessage(err) }, 'stop failed');
        } finally {
          inStop.delete(service.name);
        }
      }
      await ctx.close();
    })());
  try {
    for (const definition of definitions) running.push(await definition.start(ctx));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    running,
    add: (service) => void running.push(service),
    notReady: () =>
      running
        .filter((s) => !s.ready())
        .map((s) => {
          const problems = s.problems?.() ?? [];
          return problems.length > 0 ? `${s.name} (${problems.join('; ')})` : s.name;
        }),
    stopping: () => [...inStop],
    stop,
  };
}
