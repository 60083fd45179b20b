/** Every `vigil` sub-command, in the order `vigil --help` lists them. */
import type { Command } from '../command.ts';
import { backtest } from './backtest.ts';
import { feedback } from './feedback.ts';
import { migrateCommand } from './migrate.ts';
import { replay } from './replay.ts';
import { run } from './run.ts';
import { score } from './score.ts';
import { simulateCommand } from './simulate.ts';

export const COMMANDS: readonly Command[] = [
  run,
  replay,
  backtest,
  feedback,
  migrateCommand,
  score,
  simulateCommand,
];
