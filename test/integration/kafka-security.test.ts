/**
 * Kafka TLS and SASL end to end: the variables of docs/architecture.md ("Kafka security")
 * resolved by shared/config, handed to the Kafka client by createKafkaBus, against a real
 * broker with SASL (PLAIN, SCRAM-SHA-256/512), mutual-TLS and SASL_SSL listeners
 * (test/harness/kafka-secure.ts; the suite's plaintext broker is left alone).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaBus } from '../../shared/bus/kafka-bus.ts';
import { resolveConfig } from '../../shared/config/index.ts';
import { kafkaSecurityOptions } from '../../shared/runtime/bus.ts';
import { SECURE_USERS, startSecureKafka, type SecureKafka } from '../harness/kafka-secure.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/vigil.mjs', import.meta.url).pathname;
let kafka: SecureKafka;

beforeAll(async () => {
  kafka = await startSecureKafka();
}, 180_000);
afterAll(async () => kafka?.stop());

/** Produces one message and reads it back with a consumer group, all through the bus. */
async function roundTrip(env: Record<string, string>): Promise<string> {
  const config = resolveConfig({ env });
  const id = randomUUID().slice(0, 8);
  const topic = `sec-${id}`;
  const bus = createKafkaBus({
    brokers: config.kafkaBrokers ?? [],
    clientId: `vigil-security-${id}`,
    topics: { inference: `sec-${id}.inference` },
    partitions: 1,
    ...kafkaSecurityOptions(config),
  });
  try {
    await bus.ensureTopics([topic]);
    await (await bus.publisher()).publish(topic, [{ key: 'k', value: `hello ${id}` }]);
    const source = bus.source({ groupId: `sec-${id}`, topics: [topic], fromBeginning: true });
    const received = new Promise<string>((resolve) => {
      void source.start(async (batch) => {
        const value = batch.messages[0]?.value;
        if (value) resolve(value.toString('utf8'));
      });
    });
    const value = await received;
    expect(value).toBe(`hello ${id}`);
    return value;
  } finally {
    await bus.close();
  }
}

const sasl = (mechanism: string, user: { username: string; password: string }) => ({
  KAFKA_SASL_MECHANISM: mechanism,
  KAFKA_SASL_USERNAME: user.username,
  KAFKA_SASL_PASSWORD: user.password,
});

describe('Kafka security', () => {
  it.each([
    ['plain', SECURE_USERS.plain],
    ['scram-sha-256', SECURE_USERS.scram],
    ['scram-sha-512', SECURE_USERS.scram],
  ])('authenticates with SASL %s', async (mechanism, user) => {
    await roundTrip({ KAFKA_BROKERS: kafka.saslPlaintext, ...sasl(mechanism, user) });
  });

  it('connects with mutual TLS from PEM files', async () => {
    await roundTrip({
      KAFKA_BROKERS: kafka.ssl,
      KAFKA_SSL_CA_FILE: kafka.files.ca,
      KAFKA_SSL_CERT_FILE: kafka.files.clientCert,
      KAFKA_SSL_KEY_FILE: kafka.files.clientKey,
    });
  });

  it('is refused by the mutual-TLS listener without a client certificate', async () => {
    await expect(
      roundTrip({ KAFKA_BROKERS: kafka.ssl, KAFKA_SSL_CA_FILE: kafka.files.ca }),
    ).rejects.toMatchObject({
      code: 'VGL_ERR_BUS_CONNECT',
    });
  });

  it('runs SCRAM over TLS', async () => {
    await roundTrip({
      KAFKA_BROKERS: kafka.saslSsl,
      KAFKA_SSL_CA_FILE: kafka.files.ca,
      ...sasl('scram-sha-512', SECURE_USERS.scram),
    });
  });

  it('fails with the catalogue error on a wrong password', async () => {
    const env = {
      KAFKA_BROKERS: kafka.saslPlaintext,
      ...sasl('scram-sha-256', { username: 'scram-user', password: 'wrong' }),
    };
    await expect(roundTrip(env)).rejects.toMatchObject({ code: 'VGL_ERR_BUS_CONNECT' });
  });

  it('carries the settings through the vigil command (simulate to Kafka over SASL_SSL)', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: kafka.saslSsl,
      KAFKA_SSL_CA_FILE: kafka.files.ca,
      ...sasl('scram-sha-256', SECURE_USERS.scram),
    };
    const { stdout } = await run(
      'node',
      [BIN, 'simulate', '--kafka', '--days', '0.05', '--max-events', '300'],
      { env },
    );
    expect(stdout).toMatch(/^simulate: 300 events/);
  });
});
