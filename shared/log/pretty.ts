/**
 * Log lines for a person at a terminal: `12:00:01.234 INFO  [api] api listening
 * address=http://…`, coloured by level. pino still builds (and redacts) the JSON line; this
 * destination only re-renders it, so what is logged never differs between the two formats.
 * Not for files or collectors: they get the JSON (VIGIL_LOG_FORMAT=auto picks by isTTY).
 */
import type { DestinationStream } from 'pino';

const LEVELS: Record<number, { name: string; colour: string }> = {
  10: { name: 'TRACE', colour: '\x1b[2m' },
  20: { name: 'DEBUG', colour: '\x1b[2m' },
  30: { name: 'INFO ', colour: '\x1b[32m' },
  40: { name: 'WARN ', colour: '\x1b[33m' },
  50: { name: 'ERROR', colour: '\x1b[31m' },
  60: { name: 'FATAL', colour: '\x1b[41;97m' },
};
/** Fields every line has, or that the line shows elsewhere. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'service', 'component']);

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v) ?? String(v);
}

export function formatLogLine(line: string, colour: boolean): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = LEVELS[Number(rec['level'])] ?? { name: String(rec['level']), colour: '' };
  const time = new Date(Number(rec['time'])).toISOString().slice(11, 23);
  const who = rec['service'] ?? rec['component'];
  const fields = Object.entries(rec)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
  const tag = colour ? `${level.colour}${level.name}\x1b[0m` : level.name;
  const dim = (t: string): string => (colour ? `\x1b[2m${t}\x1b[0m` : t);
  return `${dim(time)} ${tag} ${who !== undefined ? `[${String(who)}] ` : ''}${String(rec['msg'] ?? '')}${
    fields !== '' ? ` ${dim(fields)}` : ''
  }\n`;
}

/** A pino destination that writes human-readable lines to `out` (a terminal). */
export function prettyDestination(
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): DestinationStream {
  const colour = out.isTTY === true;
  return {
    write(line: string) {
      out.write(formatLogLine(line, colour));
    },
  };
}
