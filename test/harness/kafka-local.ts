/**
 * A single-node KRaft broker from Apache Kafka's jars (deploy/kafka/start-kafka.sh) on free
 * ports and a fresh temporary data dir, so parallel runs never collide. The JVM runs in its
 * own process group; stop() and process exit kill that group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { vigilError, errorMessage } from '../../shared/errors.ts';
import { freePorts, portAccepts } from './ports.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const launcher = join(repoRoot, 'deploy/kafka/start-kafka.sh');
const STARTUP_TIMEOUT_MS = 120_000;

export interface RunningKafka {
  brokers: string;
  stop(): Promise<void>;
}

export interface LocalKafka extends RunningKafka {
  /** A broker crash: SIGKILL, data kept, so `startLocalKafka(broker.again)` restarts it. */
  kill(): Promise<void>;
  readonly again: LocalKafkaOptions;
}

export interface LocalKafkaOptions {
  /** Reuse these ports and this data dir (a restart after `kill`). */
  port?: number;
  controllerPort?: number;
  dataDir?: string;
}

export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<LocalKafka> {
  const [freePort, freeController] = options.port === undefined ? await freePorts(2) : [];
  const port = options.port ?? freePort;
  const controllerPort = options.controllerPort ?? freeController;
  if (port === undefined || controllerPort === undefined) throw new Error('freePorts returned too few ports');
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'vigil-kafka-'));
  const logFile = join(dataDir, 'broker.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn(
    'bash',
    [
      launcher,
      ...['--data-dir', dataDir, '--port', String(port), '--controller-port', String(controllerPort)],
      // Backstop for a test run killed with SIGKILL, when no exit handler runs.
      ...['--exit-with-pid', String(process.pid)],
    ],
    { detached: true, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  const exited = new Promise<number | null>((res) => {
    child.once('exit', (code) => res(code));
    child.once('error', () => res(null));
  });
  const killOnExit = (): void => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const brokers = `127.0.0.1:${port}`;
  try {
    await waitUntilReady(brokers, port, exited);
  } catch (err) {
    killGroup(child, 'SIGKILL');
    process.off('exit', killOnExit);
    throw vigilError('VGL_ERR_HARNESS_START', [
      'Kafka from deploy/kafka',
      `${errorMessage(err)}\n--- ${logFile} (tail) ---\n${tail(logFile, 40)}`,
    ]);
  }

  let stopped: Promise<void> | undefined;
  return {
    brokers,
    again: { port, controllerPort, dataDir },
    async kill() {
      killGroup(child, 'SIGKILL');
      await exited;
      process.off('exit', killOnExit);
    },
    stop: () =>
      (stopped ??= (async () => {
        // SIGTERM lets the broker shut down cleanly; a test broker's data is thrown away,
        // so a slow shutdown is cut short.
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
        process.off('exit', killOnExit);
        rmSync(dataDir, { recursive: true, force: true });
      })()),
  };
}

async function waitUntilReady(brokers: string, port: number, exited: Promise<number | null>): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  const gone = (): boolean => exitCode !== undefined;
  while (!(await portAccepts('127.0.0.1', port))) {
    if (gone()) throw new Error(`the broker process exited with code ${String(exitCode)} before listening`);
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${STARTUP_TIMEOUT_MS} ms`);
    await sleep(200);
  }
  // An open port is not a ready broker: wait until metadata requests are answered.
  const admin = new Kafka({
    clientId: 'vigil-harness',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  let lastError: unknown;
  while (Date.now() < deadline && !gone()) {
    try {
      await admin.connect();
      await admin.listTopics();
      await admin.disconnect();
      return;
    } catch (err) {
      lastError = err;
      await admin.disconnect().catch(() => undefined);
      await sleep(250);
    }
  }
  throw new Error(`the broker did not answer metadata requests: ${errorMessage(lastError)}`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}
