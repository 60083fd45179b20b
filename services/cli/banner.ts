/**
 * What `vigil run` says when it is up in the embedded mode (the `npm start` path): where
 * the console is and, when VIGIL_API_KEYS is empty, an admin key generated for this run
 * only, so a newcomer can sign in. The key goes to the terminal (stderr), never to the log.
 */
import { randomBytes } from 'node:crypto';
import type { ApiKey, ResolvedConfig } from '../../shared/config/index.ts';

/** A fresh admin key for one run when none is configured (embedded mode only). */
export function runAdminKey(config: ResolvedConfig): ApiKey | undefined {
  if (config.kafkaBrokers !== undefined || config.apiKeys.length > 0) return undefined;
  return { name: 'run-admin', key: `vgl_${randomBytes(24).toString('base64url')}`, role: 'admin' };
}

export function consoleUrl(config: ResolvedConfig): string {
  const host = ['0.0.0.0', '::', ''].includes(config.httpHost) ? '127.0.0.1' : config.httpHost;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.httpPort}/`;
}

export function runBanner(
  name: string,
  config: ResolvedConfig,
  key: ApiKey | undefined,
  api: boolean,
): string {
  const lines = [
    `vigil: running ${name} embedded (in-process bus, ClickHouse under ${config.dataDir}) — Ctrl-C to stop`,
  ];
  if (api) lines.push(`vigil: console and API on ${consoleUrl(config)}`);
  if (api && key !== undefined) {
    lines.push(`vigil: admin key for this run only (set VIGIL_API_KEYS for lasting keys): ${key.key}`);
  }
  return `${lines.join('\n')}\n`;
}
