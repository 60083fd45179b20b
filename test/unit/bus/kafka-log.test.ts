import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogCreator, type BusLogger } from '../../../shared/bus/log.ts';

function capture(): { logger: BusLogger; lines: Array<[string, string | undefined]> } {
  const lines: Array<[string, string | undefined]> = [];
  const at =
    (level: string) =>
    (_obj: Record<string, unknown>, msg?: string): void => {
      lines.push([level, msg]);
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

describe('kafkajs log lines', () => {
  it('keep their level, but the bounded-retries warning (transactions make it moot) goes to debug', () => {
    const { logger, lines } = capture();
    const log = kafkaLogCreator(logger)(logLevel.DEBUG);
    const entry = (message: string) => ({ message, timestamp: 't', logger: 'kafkajs' });
    log({
      namespace: 'Producer',
      level: logLevel.WARN,
      label: 'WARN',
      log: entry('Limiting retries for the idempotent producer may invalidate EoS guarantees'),
    });
    log({
      namespace: 'Consumer',
      level: logLevel.WARN,
      label: 'WARN',
      log: entry('The group is rebalancing'),
    });
    log({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: entry('Connection error') });
    expect(lines).toEqual([
      ['debug', 'Limiting retries for the idempotent producer may invalidate EoS guarantees'],
      ['warn', 'The group is rebalancing'],
      ['error', 'Connection error'],
    ]);
  });
});
