/**
 * pino, configured once. Secrets never reach the logs: known secret paths are redacted
 * and API keys / passwords are never put into log objects in the first place.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { prettyDestination } from './pretty.ts';

export type { Logger };

export const REDACT_PATHS = [
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'key',
  '*.key',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'webhooks[*].secret',
  'webhooks[*].token',
  'headers',
  '*.headers',
];

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** json (default): one JSON object per line on stderr; pretty: text for a terminal. */
  format?: 'json' | 'pretty';
}

export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name ?? 'vigil',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    destination ??
      (options.format === 'pretty' ? prettyDestination() : pino.destination({ fd: 2, sync: false })),
  );
}
