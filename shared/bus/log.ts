/**
 * The logger the bus writes to: a structural subset of pino's, so shared/bus does not
 * depend on the log module, and kafkajs' own log lines are routed into it.
 */
import { logLevel, type logCreator } from 'kafkajs';

type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

export interface BusLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop: LogFn = () => undefined;
export const silentLogger: BusLogger = { debug: noop, info: noop, warn: noop, error: noop };

/**
 * kafkajs' warning for every idempotent producer with bounded retries. Vigil bounds them on
 * purpose: a transaction that fails is aborted and its producer discarded, so the batch is
 * redone from the changelog rather than retried forever (README, Guarantees).
 */
const BOUNDED_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/**
 * kafkajs -> BusLogger. kafkajs reports routine reconnects and rebalances at ERROR/WARN with
 * a stack; they are kept at their level but the stack only goes out at debug.
 */
export function kafkaLogCreator(logger: BusLogger): logCreator {
  return () =>
    ({ level, label, namespace, log }) => {
      const { message, stack, ...rest } = log;
      const fields: Record<string, unknown> = { ...rest, kafkajs: namespace, kafkajsLevel: label };
      delete fields['timestamp'];
      delete fields['logger'];
      switch (level) {
        case logLevel.ERROR:
          logger.error(fields, message);
          break;
        case logLevel.WARN:
          if (message === BOUNDED_RETRIES_WARNING) logger.debug(fields, message);
          else logger.warn(fields, message);
          break;
        case logLevel.INFO:
          logger.info(fields, message);
          break;
        default:
          logger.debug(stack === undefined ? fields : { ...fields, stack }, message);
      }
    };
}
