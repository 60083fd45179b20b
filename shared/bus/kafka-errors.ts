/**
 * kafkajs errors -> the catalogue. The retry decision follows kafkajs' own `retriable`
 * flag (set per protocol error code), never the message text.
 */
import { vigilError, errorMessage, type VigilError } from '../errors.ts';

function kafkaRetriable(err: unknown): boolean {
  // kafkajs marks every KafkaJSError; anything else (a network error thrown below it) is
  // transient as far as the caller can tell.
  if (err !== null && typeof err === 'object' && 'retriable' in err) return err.retriable !== false;
  return true;
}

export function produceError(err: unknown, count: number, topic: string): VigilError {
  const code = kafkaRetriable(err) ? 'VGL_ERR_BUS_PRODUCE' : 'VGL_ERR_BUS_PRODUCE_REJECTED';
  return vigilError(code, [count, topic, errorMessage(err)], { cause: err, context: { topic, count } });
}

export function connectError(err: unknown, brokers: readonly string[]): VigilError {
  return vigilError('VGL_ERR_BUS_CONNECT', [brokers.join(','), errorMessage(err)], { cause: err });
}
