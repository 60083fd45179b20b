/**
 * A second, secured Kafka broker for the TLS/SASL tests, started from the same jars by
 * deploy/kafka/start-kafka.sh next to (never instead of) the suite's plaintext broker.
 * Keys and certificates are made here with openssl: a throwaway CA, a broker certificate
 * for 127.0.0.1, and a client certificate for mutual TLS. Listeners:
 *   SASL_PLAINTEXT  PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (SCRAM users made at format time)
 *   SSL             mutual TLS: the client must present a certificate signed by the CA
 *   SASL_SSL        SCRAM over TLS (server certificate only)
 * and a PLAINTEXT listener for inter-broker traffic and the readiness check.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { errorMessage, vigilError } from '../../shared/errors.ts';
import { freePorts, portAccepts } from './ports.ts';

const launcher = resolve(fileURLToPath(new URL('../../deploy/kafka/start-kafka.sh', import.meta.url)));
const STORE_PASSWORD = 'vigil-test-store';

export const SECURE_USERS = {
  plain: { username: 'plain-user', password: 'plain-secret' },
  scram: { username: 'scram-user', password: 'scram-secret' },
} as const;

export interface SecureKafka {
  /** host:port of each listener. */
  saslPlaintext: string;
  ssl: string;
  saslSsl: string;
  /** PEM files: the CA, and the client's certificate and key for mutual TLS. */
  files: { ca: string; clientCert: string; clientKey: string };
  stop(): Promise<void>;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, a broker keystore (PKCS#12) for 127.0.0.1 and a client certificate, in `dir`. */
function makeKeys(dir: string): void {
  const days = ['-days', '2'];
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    ...days,
    '-subj',
    '/CN=vigil-test-ca',
  );
  writeFileSync(join(dir, 'broker.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const [name, ext] of [
    ['broker', ['-extfile', 'broker.ext']],
    ['client', []],
  ] as const) {
    openssl(
      dir,
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=vigil-test-${name}`,
    );
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      ...days,
      ...ext,
    );
  }
  openssl(
    dir,
    'pkcs12',
    '-export',
    '-in',
    'broker.pem',
    '-inkey',
    'broker.key',
    '-out',
    'broker.p12',
    '-name',
    'broker',
    '-passout',
    `pass:${STORE_PASSWORD}`,
  );
}

function properties(
  dir: string,
  ports: Record<'plain' | 'sasl' | 'ssl' | 'saslSsl' | 'controller', number>,
): string {
  const jaas = (listener: string): string[] => [
    `listener.name.${listener}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${SECURE_USERS.plain.username}="${SECURE_USERS.plain.password}";`,
    `listener.name.${listener}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    `listener.name.${listener}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
  ];
  const at = (name: string, port: number): string => `${name}://127.0.0.1:${port}`;
  return [
    '# Appended by test/harness/kafka-secure.ts',
    `listeners=${[at('PLAINTEXT', ports.plain), at('CONTROLLER', ports.controller), at('SASL_PLAINTEXT', ports.sasl), at('SSL', ports.ssl), at('SASL_SSL', ports.saslSsl)].join(',')}`,
    `advertised.listeners=${[at('PLAINTEXT', ports.plain), at('SASL_PLAINTEXT', ports.sasl), at('SSL', ports.ssl), at('SASL_SSL', ports.saslSsl)].join(',')}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL',
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    ...jaas('sasl_plaintext'),
    ...jaas('sasl_ssl'),
    `ssl.keystore.location=${join(dir, 'broker.p12')}`,
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.password=${STORE_PASSWORD}`,
    `ssl.key.password=${STORE_PASSWORD}`,
    `ssl.truststore.location=${join(dir, 'ca.pem')}`,
    'ssl.truststore.type=PEM',
    'listener.name.ssl.ssl.client.auth=required',
    '',
  ].join('\n');
}

export async function startSecureKafka(): Promise<SecureKafka> {
  const [plain, sasl, ssl, saslSsl, controller] = (await freePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const dir = mkdtempSync(join(tmpdir(), 'vigil-kafka-secure-'));
  makeKeys(dir);
  const extra = join(dir, 'secure.properties');
  writeFileSync(extra, properties(dir, { plain, sasl, ssl, saslSsl, controller }));
  const { username, password } = SECURE_USERS.scram;
  const logFile = join(dir, 'broker.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn(
    'bash',
    [
      launcher,
      ...['--data-dir', join(dir, 'data'), '--port', String(plain), '--controller-port', String(controller)],
      ...['--extra-properties', extra, '--exit-with-pid', String(process.pid)],
      ...['--add-scram', `SCRAM-SHA-256=[name=${username},password=${password}]`],
      ...['--add-scram', `SCRAM-SHA-512=[name=${username},password=${password}]`],
    ],
    { detached: true, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((res) => child.once('exit', (code) => res(void (exitCode = code))));
  const kill = (signal: NodeJS.Signals): void => killGroup(child, signal);
  const killOnExit = (): void => kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitReady(`127.0.0.1:${plain}`, [plain, sasl, ssl, saslSsl], () => exitCode !== undefined);
  } catch (err) {
    kill('SIGKILL');
    process.off('exit', killOnExit);
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    throw vigilError('VGL_ERR_HARNESS_START', ['the secured Kafka broker', `${errorMessage(err)}\n${tail}`]);
  }
  return {
    saslPlaintext: `127.0.0.1:${sasl}`,
    ssl: `127.0.0.1:${ssl}`,
    saslSsl: `127.0.0.1:${saslSsl}`,
    files: {
      ca: join(dir, 'ca.pem'),
      clientCert: join(dir, 'client.pem'),
      clientKey: join(dir, 'client.key'),
    },
    async stop() {
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(brokers: string, ports: number[], gone: () => boolean): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (const port of ports) {
    while (!(await portAccepts('127.0.0.1', port))) {
      if (gone()) throw new Error('the broker exited before listening');
      if (Date.now() > deadline) throw new Error(`port ${port} did not open in time`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const admin = new Kafka({
    clientId: 'vigil-harness',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  for (;;) {
    try {
      await admin.connect();
      await admin.listTopics();
      await admin.disconnect();
      return;
    } catch (err) {
      await admin.disconnect().catch(() => undefined);
      if (gone() || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
