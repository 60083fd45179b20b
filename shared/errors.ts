/**
 * The one error catalogue. Codes are stable (`VGL_ERR_<AREA>_<WHAT>`), never reused,
 * and listed in docs/errors.md; retry decisions read `retriable`, never message text.
 */

export interface ErrorSpec {
  readonly message: string;
  readonly retriable: boolean;
  readonly httpStatus?: number;
}

export const ERRORS = {
  VGL_ERR_CONFIG_INVALID: {
    message: 'Invalid configuration: %s. Fix the listed keys (see README "Configuration").',
    retriable: false,
    httpStatus: 400,
  },
  VGL_ERR_CONFIG_FILE: {
    message: 'Cannot read config file %s: %s. Check VIGIL_CONFIG points at a readable YAML or JSON file.',
    retriable: false,
  },
  VGL_ERR_EVENT_INVALID: {
    message: 'Invalid event: %s',
    retriable: false,
    httpStatus: 400,
  },
  VGL_ERR_EVENT_TOO_LARGE: {
    message: 'Message of %s bytes exceeds the 1 MiB limit; split it into smaller messages.',
    retriable: false,
    httpStatus: 413,
  },
  VGL_ERR_BUS_CONNECT: {
    message:
      'Cannot reach Kafka at %s: %s. Check KAFKA_BROKERS, that the brokers are up, and the TLS and SASL settings (KAFKA_SSL_*, KAFKA_SASL_*).',
    retriable: true,
  },
  VGL_ERR_BUS_PRODUCE: {
    message: 'Kafka did not acknowledge %s message(s) to %s: %s. The batch will be retried.',
    retriable: true,
  },
  VGL_ERR_BUS_PRODUCE_REJECTED: {
    message:
      'Kafka rejected %s message(s) to %s: %s. Retrying will not help: check that the topic exists and the message size limits.',
    retriable: false,
  },
  VGL_ERR_BUS_TOPIC_CREATE: {
    message: 'Cannot create Kafka topic(s) %s: %s. Check the broker is up and the client may create topics.',
    retriable: true,
  },
  VGL_ERR_BUS_BATCH_FAILED: {
    message:
      'Handling batch %s failed: %s. Its offsets are not committed; the batch will be delivered again.',
    retriable: true,
  },
  VGL_ERR_BUS_STOPPED: {
    message: 'The bus is stopped; %s is no longer possible.',
    retriable: false,
  },
  VGL_ERR_STORE_QUERY: {
    message: 'ClickHouse query failed (%s): %s',
    retriable: true,
  },
  VGL_ERR_STORE_SCHEMA: {
    message: 'Applying ClickHouse schema file %s failed: %s. Check CLICKHOUSE_URL and permissions.',
    retriable: false,
  },
  VGL_ERR_STORE_SCHEMA_MISSING: {
    message:
      'ClickHouse database %s lacks the tables %s. Apply the schema first with "vigil migrate" (or start once with "vigil run --migrate").',
    retriable: true,
  },
  VGL_ERR_STORE_EMBEDDED_MISSING: {
    message:
      'Embedded ClickHouse needs the optional package chdb, which is not installed (%s). Install it with "npm install chdb" (npm ci --omit=optional leaves it out), or set CLICKHOUSE_URL to use a ClickHouse server.',
    retriable: false,
  },
  VGL_ERR_STORE_EMBEDDED_OPEN: {
    message:
      'Cannot open embedded ClickHouse at %s: %s. One process owns a data directory: stop the other vigil using VIGIL_DATA_DIR or give this one its own.',
    retriable: false,
  },
  VGL_ERR_STATE_RESTORE: {
    message:
      'Cannot restore detector state for %s: %s. The partition is not processed until its state is read; it retries.',
    retriable: true,
  },
  VGL_ERR_STATE_CORRUPT: {
    message:
      'Detector state record %s cannot be read: %s. The partition stops rather than overwrite it; fix or delete the record (a tombstone) to resume.',
    retriable: false,
  },
  VGL_ERR_BUS_FENCED: {
    message:
      'Partition %s is now owned by another instance (its transactional producer was fenced); this instance stops processing it.',
    retriable: false,
  },
  VGL_ERR_SHUTDOWN_TIMEOUT: {
    message: 'Shutdown did not finish within %s s (%s); exiting without committing what was not done.',
    retriable: false,
  },
  VGL_ERR_CONSUMER_FATAL: {
    message: 'Consumer group %s failed for good: %s. Exiting so the orchestrator restarts the process.',
    retriable: false,
  },
  VGL_ERR_DETECTOR_UNKNOWN: {
    message: 'Unknown detector id "%s". Known ids: %s.',
    retriable: false,
    httpStatus: 404,
  },
  VGL_ERR_DETECTOR_FAILED: {
    message: 'Detector %s threw on event %s: %s. The event is skipped for this detector.',
    retriable: false,
  },
  VGL_ERR_CLI_USAGE: {
    message: '%s. Run "vigil --help" for usage.',
    retriable: false,
  },
  VGL_ERR_CLI_KAFKA_REQUIRED: {
    message:
      '"vigil run %s" needs Kafka: set KAFKA_BROKERS (host:port,…). Only "vigil run all" (and npm start) runs without it, every service in one process on the embedded bus.',
    retriable: false,
  },
  VGL_ERR_CLI_NOT_BUILT: {
    message:
      'the compiled build (dist/) is missing and tsx is not installed; run "npm run build" in the checkout (needs the dev dependencies), or reinstall with "npm ci".',
    retriable: false,
  },
  VGL_ERR_INPUT_FILE: {
    message: 'Cannot read %s: %s',
    retriable: false,
  },
  VGL_ERR_HARNESS_START: {
    message: 'Could not start %s for tests: %s',
    retriable: false,
  },
  VGL_ERR_API_UNAUTHENTICATED: {
    message: 'Missing or unknown API key; send "Authorization: Bearer <key>".',
    retriable: false,
    httpStatus: 401,
  },
  VGL_ERR_API_FORBIDDEN: {
    message: 'Role "%s" may not %s.',
    retriable: false,
    httpStatus: 403,
  },
  VGL_ERR_API_NOT_FOUND: {
    message: '%s not found.',
    retriable: false,
    httpStatus: 404,
  },
  VGL_ERR_API_BAD_REQUEST: {
    message: 'Bad request: %s',
    retriable: false,
    httpStatus: 400,
  },
  VGL_ERR_API_INTERNAL: {
    message: 'Internal error; see the server log for %s.',
    retriable: false,
    httpStatus: 500,
  },
  VGL_ERR_OUTPUT_FILE: {
    message: 'Cannot write %s: %s. Check that the directory exists and is writable.',
    retriable: false,
  },
  VGL_ERR_SIEM_DELIVERY: {
    message:
      'Output %s did not take %s alert(s) (%s); retrying in %s ms. Nothing is committed until it does: check the receiver is up and its URL and credentials.',
    retriable: true,
  },
  VGL_ERR_SIEM_REJECTED: {
    message:
      'Output %s refused %s alert(s) with status %s; they are on the dead-letter topic with the response. Check the output format and the receiver mapping.',
    retriable: false,
  },
  VGL_ERR_API_BUSY: {
    message: 'Too many open %s; retry later.',
    retriable: true,
    httpStatus: 503,
  },
  VGL_ERR_API_RATE_LIMITED: {
    message: 'Rate limit of %s requests per minute for %s exceeded; retry in %s.',
    retriable: true,
    httpStatus: 429,
  },
  VGL_ERR_API_CONSOLE_BUILD: {
    message: 'Cannot build the console from %s: %s. Reinstall with "npm ci".',
    retriable: false,
  },
  VGL_ERR_RULE_CONFLICT: {
    message: 'Conflict: %s.',
    retriable: false,
    httpStatus: 409,
  },
  VGL_ERR_CONFIG_RELOAD: {
    message: 'Config file %s was changed but is invalid; the running configuration is kept. Fix: %s',
    retriable: false,
  },
  VGL_ERR_BACKTEST_WORKER: {
    message:
      'A backtest worker thread failed: %s. The backtest stops; rerun with --workers 0 to see it in this thread.',
    retriable: false,
  },
  VGL_ERR_LABELS_INVALID: {
    message:
      "Labels file %s is not usable: %s. Give the simulator's labels.json or `vigil feedback export` output.",
    retriable: false,
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface VigilErrorOptions {
  cause?: unknown;
  context?: Record<string, unknown>;
}

export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly httpStatus: number | undefined;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, args: readonly (string | number)[] = [], options: VigilErrorOptions = {}) {
    const spec: ErrorSpec = ERRORS[code];
    super(format(spec.message, args), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VigilError';
    this.code = code;
    this.retriable = spec.retriable;
    this.httpStatus = spec.httpStatus;
    this.context = options.context ?? {};
  }
}

/** Creates a VigilError; `vigilError('VGL_ERR_X', [a, b], { cause })`. */
export function vigilError(
  code: ErrorCode,
  args: readonly (string | number)[] = [],
  options: VigilErrorOptions = {},
): VigilError {
  return new VigilError(code, args, options);
}

export function isRetriable(err: unknown): boolean {
  return err instanceof VigilError ? err.retriable : false;
}

function format(template: string, args: readonly (string | number)[]): string {
  let i = 0;
  return template.replace(/%s/g, () => (i < args.length ? String(args[i++]) : '%s'));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
