/**
 * vitest globalSetup of the integration project: one Kafka broker for the whole run.
 * Tests read its address with `inject('kafkaBrokers')`; child processes (the `vigil` bin
 * started by tests) get it through KAFKA_BROKERS.
 */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startKafka } from './kafka.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const kafka = await startKafka();
  console.log(`[harness] Kafka at ${kafka.brokers} (ready in ${Date.now() - started} ms)`);
  project.provide('kafkaBrokers', kafka.brokers);
  const previous = process.env['KAFKA_BROKERS'];
  process.env['KAFKA_BROKERS'] = kafka.brokers;
  return async () => {
    if (previous === undefined) delete process.env['KAFKA_BROKERS'];
    else process.env['KAFKA_BROKERS'] = previous;
    await kafka.stop();
  };
}
