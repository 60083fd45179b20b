/**
 * What a runnable service is. Each folder under services/ exports one ServiceDefinition;
 * `vigil run` starts them on a shared ServiceContext.
 */
import type { ServiceContext } from './context.ts';

export interface RunningService {
  readonly name: string;
  /** True once the service consumes/serves; /readyz reports it. */
  ready(): boolean;
  /** What keeps it from being ready (e.g. partitions whose state is not restored). */
  problems?(): string[];
  /** Drains in-flight work, flushes, commits, then releases resources. */
  stop(): Promise<void>;
}

export interface ServiceDefinition {
  readonly name: string;
  start(ctx: ServiceContext): Promise<RunningService>;
}
