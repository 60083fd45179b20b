/** Every `vigil` sub-command, in the order `vigil --help` lists them. */
import type { Command } from '../command.ts';

export const COMMANDS: readonly Command[] = [];
