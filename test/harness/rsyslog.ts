/**
 * A real syslog daemon for the SIEM output tests: Debian's rsyslogd (installed by .ci/run),
 * started in the foreground with its own config, work directory and free port on
 * 127.0.0.1 — TCP (octet-counted or not), TLS through the OpenSSL driver with a CA and
 * server certificate made here with openssl, or UDP. Everything it receives is written as
 * one JSON object per line (rsyslog's own parse of the RFC 5424 fields), which the tests
 * read back. Stopped by its pid; `restart()` brings it back on the same port.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vigilError } from '../../shared/errors.ts';
import { freePorts, portAccepts } from './ports.ts';

export type SyslogTransportKind = 'tcp' | 'tls' | 'udp';

export interface ReceivedSyslog {
  pri: string;
  version: string;
  ts: string;
  host: string;
  app: string;
  procid: string;
  msgid: string;
  msg: string;
}

export interface RunningRsyslog {
  port: number;
  /** CA certificate that signed the server's, for TLS clients. */
  caFile: string;
  received(): ReceivedSyslog[];
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops and removes the work directory. */
  close(): Promise<void>;
}

const RSYSLOGD = '/usr/sbin/rsyslogd';

const TEMPLATE =
  '{"pri":"%pri%","version":"%protocol-version%","ts":"%timereported:::date-rfc3339%",' +
  '"host":"%hostname:::json%","app":"%app-name:::json%","procid":"%procid:::json%",' +
  '"msgid":"%msgid:::json%","msg":"%msg:::json%"}\\n';

function makeCertificates(dir: string): void {
  const ossl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ossl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=vigil-test-ca',
  );
  ossl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ossl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial');
  ossl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
}

function config(dir: string, port: number, transport: SyslogTransportKind): string {
  const tls =
    transport === 'tls'
      ? ` DefaultNetstreamDriver="ossl" DefaultNetstreamDriverCAFile="${dir}/ca.pem"` +
        ` DefaultNetstreamDriverCertFile="${dir}/server.pem" DefaultNetstreamDriverKeyFile="${dir}/server.key"`
      : '';
  const input =
    transport === 'udp'
      ? `module(load="imudp")\ninput(type="imudp" port="${port}" address="127.0.0.1")`
      : transport === 'tls'
        ? `module(load="imtcp" StreamDriver.Name="ossl" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")\n` +
          `input(type="imtcp" port="${port}" address="127.0.0.1")`
        : `module(load="imtcp")\ninput(type="imtcp" port="${port}" address="127.0.0.1")`;
  return [
    `global(workDirectory="${dir}/work" maxMessageSize="64k"${tls})`,
    input,
    `template(name="vigil" type="string" string="${TEMPLATE.replace(/"/g, '\\"')}")`,
    `action(type="omfile" file="${dir}/received.jsonl" template="vigil")`,
    '',
  ].join('\n');
}

export async function startRsyslog(transport: SyslogTransportKind): Promise<RunningRsyslog> {
  if (!existsSync(RSYSLOGD)) {
    throw vigilError('VGL_ERR_HARNESS_START', [
      'rsyslogd',
      `${RSYSLOGD} not found: apt-get install rsyslog rsyslog-openssl`,
    ]);
  }
  const dir = mkdtempSync(join(tmpdir(), `vigil-rsyslog-${transport}-`));
  execFileSync('mkdir', ['-p', join(dir, 'work')]);
  if (transport === 'tls') makeCertificates(dir);
  const [port] = await freePorts(1);
  if (port === undefined) throw vigilError('VGL_ERR_HARNESS_START', ['rsyslogd', 'no free port']);
  writeFileSync(join(dir, 'rsyslog.conf'), config(dir, port, transport));
  let child: ChildProcess | undefined;
  let stderr = '';

  const start = async (): Promise<void> => {
    child = spawn(RSYSLOGD, ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) {
        throw vigilError('VGL_ERR_HARNESS_START', ['rsyslogd', `exited ${child.exitCode}: ${stderr}`]);
      }
      const up =
        transport === 'udp'
          ? existsSync(join(dir, 'rsyslogd.pid'))
          : await portAccepts('127.0.0.1', port, 200);
      if (up) return;
      if (Date.now() > deadline) throw vigilError('VGL_ERR_HARNESS_START', ['rsyslogd', `not up: ${stderr}`]);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
    rmSync(join(dir, 'rsyslogd.pid'), { force: true });
  };

  await start();
  return {
    port,
    caFile: join(dir, 'ca.pem'),
    received() {
      const path = join(dir, 'received.jsonl');
      if (!existsSync(path)) return [];
      return readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as ReceivedSyslog);
    },
    stop,
    restart: start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
