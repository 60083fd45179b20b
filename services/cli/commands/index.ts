/**
 * Every `vigil` sub-command, in the order `vigil --help` lists them. Only the name and the
 * summary live here: a command's module is imported when that command runs, so `vigil
 * --help` or `vigil score` never load Kafka, ClickHouse or the HTTP server (start-up
 * cost is paid per command, not by every command).
 */
import type { Command } from '../command.ts';

export interface CommandEntry {
  readonly name: string;
  /** One line for `vigil --help`. */
  readonly summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    summary: 'run one service or all of them',
    load: async () => (await import('./run.ts')).run,
  },
  {
    name: 'replay',
    summary: 'replay recorded events (NDJSON) through the detectors',
    load: async () => (await import('./replay.ts')).replay,
  },
  {
    name: 'backtest',
    summary: 'compare configs on recorded events: alerts, precision, recall, delay',
    load: async () => (await import('./backtest.ts')).backtest,
  },
  {
    name: 'feedback',
    summary: 'export false-positive marks and resolutions as backtest labels',
    load: async () => (await import('./feedback.ts')).feedback,
  },
  {
    name: 'migrate',
    summary: 'apply the ClickHouse schema (deploy/clickhouse/*.sql)',
    load: async () => (await import('./migrate.ts')).migrateCommand,
  },
  {
    name: 'score',
    summary: 'score one CSV series (timestamp,value) with the univariate detector',
    load: async () => (await import('./score.ts')).score,
  },
  {
    name: 'simulate',
    summary: 'generate realistic telemetry with injected attacks and ground-truth labels',
    load: async () => (await import('./simulate.ts')).simulateCommand,
  },
];
