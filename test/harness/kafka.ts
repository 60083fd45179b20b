/**
 * A real Kafka broker for integration tests (docs/architecture.md, "Tests and infrastructure"), chosen in this order:
 * `KAFKA_BROKERS` if set; a testcontainers Apache Kafka if a Docker engine answers;
 * otherwise a local broker from Apache Kafka's jars (deploy/kafka/).
 */
import { vigilError, errorMessage } from '../../shared/errors.ts';
import { dockerAnswers, loadTestcontainers, type Testcontainers } from './docker.ts';
import { startLocalKafka, type RunningKafka } from './kafka-local.ts';
import { freePorts } from './ports.ts';

export type { RunningKafka };

/** The image matches the jars' 3.9 line (deploy/kafka/pom.xml). */
export const KAFKA_IMAGE = 'apache/kafka:3.9.1';

export async function startKafka(): Promise<RunningKafka> {
  const fromEnv = process.env['KAFKA_BROKERS'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { brokers: fromEnv.trim(), stop: async () => undefined };
  }
  const tc = (await dockerAnswers()) ? await loadTestcontainers() : undefined;
  if (tc !== undefined) return startKafkaContainer(tc);
  return startLocalKafka();
}

async function startKafkaContainer(tc: Testcontainers): Promise<RunningKafka> {
  try {
    const { GenericContainer, Wait, getContainerRuntimeClient } = tc;
    const runtime = await getContainerRuntimeClient();
    const host = runtime.info.containerRuntime.host;
    // The broker must advertise the address clients use, which is only known before start
    // when the host port is fixed: pick a free one and bind it.
    const [hostPort] = await freePorts(1);
    if (hostPort === undefined) throw new Error('no free port');
    const container = await new GenericContainer(KAFKA_IMAGE)
      .withExposedPorts({ container: 9092, host: hostPort })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://localhost:9093',
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${hostPort}`,
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start();
    return { brokers: `${host}:${hostPort}`, stop: async () => void (await container.stop()) };
  } catch (err) {
    throw vigilError('VGL_ERR_HARNESS_START', ['Kafka in Docker (testcontainers)', errorMessage(err)], {
      cause: err,
    });
  }
}
