/** A `vigil` sub-command: one per file under commands/, listed in commands/index.ts. */
export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface Command {
  readonly name: string;
  /** One line for `vigil --help`. */
  readonly summary: string;
  /** Full usage text for `vigil <name> --help`. */
  readonly usage: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(argv: string[], io: CommandIO): Promise<number>;
}
