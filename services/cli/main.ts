/** The `vigil` command line: dispatches to one sub-command per file under commands/. */
import { VigilError } from '../../shared/errors.ts';
import type { CommandIO } from './command.ts';
import { COMMANDS } from './commands/index.ts';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 8);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'vigil — streaming anomaly detection for AI infrastructure',
    '',
    'Usage: vigil <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run "vigil <command> --help" for the options of a command.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('vigil 0.1.0\n');
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) {
    io.stderr.write(`vigil: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof VigilError) {
      io.stderr.write(`vigil ${name}: ${err.message} [${err.code}]\n`);
      return err.code === 'VGL_ERR_CLI_USAGE' ? 2 : 1;
    }
    throw err;
  }
}
