/**
 * Syslog outputs (`syslog`): RFC 5424 messages carrying CEF, over TCP (octet-counted, RFC
 * 6587), TLS (RFC 5425) or UDP (RFC 5426, one datagram per message, cut to
 * `udp_max_bytes`). A batch counts as delivered once its bytes are written to the socket;
 * syslog has no application-level acknowledgement, so a receiver that dies with bytes still
 * in flight can lose them — the price of the protocol (RELP exists for that; SIEM collectors
 * rarely speak it). To narrow that window the connection is dropped and reopened as soon as
 * the receiver closes its side, and a failed write sends the whole batch again (each message
 * carries its idempotency id, cs5).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { SyslogConfig } from '../../../shared/config/index.ts';
import { errorMessage } from '../../../shared/errors.ts';
import type { DeliveryItem, SendOutcome, Transport } from '../delivery/types.ts';
import { toCef } from './cef.ts';
import { octetFrame, syslogMessage, truncateUtf8 } from './syslog-message.ts';

export class SyslogTransport implements Transport {
  readonly batchMax = 500;
  private readonly port: number;
  private readonly hostname: string;
  private readonly tlsOptions: ConnectionOptions | undefined;
  private socket: Promise<Socket> | undefined;
  /** The socket `socket` resolves to, so a late close of an old one cannot drop a new one. */
  private current: Socket | undefined;
  private udp: UdpSocket | undefined;

  constructor(private readonly config: SyslogConfig) {
    this.port = config.port ?? (config.transport === 'tls' ? 6514 : 514);
    this.hostname = config.hostname ?? osHostname();
    if (config.transport === 'tls') {
      const t = config.tls;
      // Files are read once, at start: a missing certificate fails the boot, not a delivery.
      this.tlsOptions = {
        host: config.host,
        port: this.port,
        // SNI carries host names only (RFC 6066 §3); an IP is checked against the certificate's SAN.
        ...((t?.server_name ?? (isIP(config.host) ? undefined : config.host)) !== undefined && {
          servername: t?.server_name ?? config.host,
        }),
        rejectUnauthorized: t?.reject_unauthorized ?? true,
        ...(t?.ca_file !== undefined && { ca: readFileSync(t.ca_file) }),
        ...(t?.cert_file !== undefined && { cert: readFileSync(t.cert_file) }),
        ...(t?.key_file !== undefined && { key: readFileSync(t.key_file) }),
      };
    }
  }

  message(item: DeliveryItem): string {
    const { alert } = item;
    return syslogMessage(
      {
        facility: this.config.facility,
        severity: alert.severity,
        timestamp: alert.detected_at,
        hostname: this.hostname,
        appName: this.config.app_name,
        procId: String(process.pid),
        msgId: alert.detector,
      },
      toCef(alert),
    );
  }

  async send(items: readonly DeliveryItem[], signal: AbortSignal): Promise<SendOutcome> {
    const list = [...items];
    try {
      if (this.config.transport === 'udp') await this.sendUdp(list);
      else await this.sendStream(list, signal);
      return {};
    } catch (err) {
      signal.throwIfAborted();
      return { retry: { items: list, kind: 'network', reason: errorMessage(err) } };
    }
  }

  private async sendStream(items: DeliveryItem[], signal: AbortSignal): Promise<void> {
    const socket = await this.connection(signal);
    const frames = Buffer.concat(items.map((i) => octetFrame(this.message(i))));
    await new Promise<void>((resolve, reject) => {
      const onClose = (): void => reject(new Error('connection closed during write'));
      socket.once('close', onClose);
      socket.write(frames, (err) => {
        socket.off('close', onClose);
        if (err) reject(err);
        else resolve();
      });
    }).catch((err: unknown) => {
      this.drop(socket);
      throw err;
    });
  }

  private connection(signal: AbortSignal): Promise<Socket> {
    this.socket ??= new Promise<Socket>((resolve, reject) => {
      const socket =
        this.tlsOptions !== undefined
          ? tlsConnect(this.tlsOptions)
          : netConnect({ host: this.config.host, port: this.port });
      this.current = socket;
      const ready = this.tlsOptions !== undefined ? 'secureConnect' : 'connect';
      const timer = setTimeout(() => socket.destroy(new Error('connect timed out')), this.config.timeout_ms);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.drop(socket);
        reject(err);
      };
      const onAbort = (): void => fail(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', fail);
      socket.once(ready, () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        socket.off('error', fail);
        socket.setKeepAlive(true, 30_000);
        // The receiver closing its side (restart, idle timeout) means: reconnect next time.
        socket.on('error', () => this.drop(socket));
        socket.on('end', () => this.drop(socket));
        socket.on('close', () => this.drop(socket));
        // Receivers do not talk back on a syslog connection; drain anything they send.
        socket.resume();
        resolve(socket);
      });
    });
    return this.socket;
  }

  private drop(socket: Socket): void {
    if (this.current === socket) {
      this.current = undefined;
      this.socket = undefined;
    }
    socket.destroy();
  }

  private async sendUdp(items: DeliveryItem[]): Promise<void> {
    this.udp ??= createSocket(this.config.host.includes(':') ? 'udp6' : 'udp4');
    const udp = this.udp;
    for (const item of items) {
      const datagram = truncateUtf8(this.message(item), this.config.udp_max_bytes);
      await new Promise<void>((resolve, reject) =>
        udp.send(datagram, this.port, this.config.host, (err) => (err ? reject(err) : resolve())),
      );
    }
  }

  async close(): Promise<void> {
    const socket = await this.socket?.catch(() => undefined);
    if (socket !== undefined && !socket.destroyed) await new Promise<void>((resolve) => socket.end(resolve));
    this.socket = undefined;
    this.current = undefined;
    this.udp?.close();
    this.udp = undefined;
  }
}
