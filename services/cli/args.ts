/** Argument parsing for sub-commands: node's parseArgs, with usage errors typed. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { vigilError } from '../../shared/errors.ts';

export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw vigilError('VGL_ERR_CLI_USAGE', [(err as Error).message], { cause: err });
  }
}

export function requireOption(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw vigilError('VGL_ERR_CLI_USAGE', [`${flag} is required`]);
  return value;
}
