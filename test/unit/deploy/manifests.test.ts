/**
 * docker-compose.yml and deploy/k8s stay in step with the code: every Vigil variable they
 * set is one the config resolver reads (shared/config/environment.ts), the values of the
 * compose file resolve, and every `vigil` command and service they run exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { environmentNames, resolveConfig } from '../../../shared/config/index.ts';
import { COMMANDS } from '../../../services/cli/commands/index.ts';
import { SERVICE_NAMES } from '../../../services/cli/services.ts';

const root = new URL('../../../', import.meta.url);
const OURS = /^(VIGIL|KAFKA|CLICKHOUSE)_/;
const known = new Set(environmentNames());

interface Container {
  where: string;
  env: Record<string, string>;
  args: string[];
}

/** `${NAME:-default}` → default, as compose substitutes an unset variable. */
const substitute = (v: unknown): string => String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

function composeContainers(): Container[] {
  const doc = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string; build?: unknown; environment?: unknown; command?: string[] }>;
  };
  return Object.entries(doc.services)
    .filter(([, s]) => s.build !== undefined || s.image?.startsWith('vigil') === true)
    .map(([name, s]) => {
      const env: Record<string, string> = {};
      if (Array.isArray(s.environment)) {
        for (const kv of s.environment as string[])
          env[kv.split('=')[0]!] = substitute(kv.split('=').slice(1).join('='));
      } else {
        for (const [k, v] of Object.entries((s.environment ?? {}) as Record<string, unknown>))
          env[k] = substitute(v);
      }
      return { where: `docker-compose.yml services.${name}`, env, args: s.command ?? [] };
    });
}

interface K8sDoc {
  kind?: string;
  metadata?: { name?: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: { template?: { spec?: { containers?: K8sContainer[] } } };
}
interface K8sContainer {
  name: string;
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
}

function k8sDocs(): Array<{ file: string; doc: K8sDoc }> {
  const dir = new URL('deploy/k8s/', root);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(new URL(file, dir), 'utf8'))
        .map((d) => d.toJS() as K8sDoc | null)
        .filter((doc): doc is K8sDoc => doc !== null)
        .map((doc) => ({ file, doc })),
    );
}

function k8sContainers(): Container[] {
  return k8sDocs().flatMap(({ file, doc }) =>
    (doc.spec?.template?.spec?.containers ?? []).map((c) => ({
      where: `deploy/k8s/${file} ${doc.kind}/${doc.metadata?.name} container ${c.name}`,
      env: Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? ''])),
      args: c.args ?? [],
    })),
  );
}

describe('deployment manifests', () => {
  const containers = [...composeContainers(), ...k8sContainers()];

  it('find the Vigil containers', () => {
    expect(containers.length).toBeGreaterThanOrEqual(12);
  });

  it('set only variables the config resolver reads', () => {
    const unknown: string[] = [];
    for (const c of containers) {
      for (const name of Object.keys(c.env))
        if (OURS.test(name) && !known.has(name)) unknown.push(`${c.where}: ${name}`);
    }
    for (const { file, doc } of k8sDocs()) {
      if (doc.kind !== 'ConfigMap' && doc.kind !== 'Secret') continue;
      // Both are mounted whole with envFrom: every key becomes a variable.
      for (const name of Object.keys({ ...doc.data, ...doc.stringData })) {
        if (!known.has(name)) unknown.push(`deploy/k8s/${file} ${doc.kind}/${doc.metadata?.name}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('give values the resolver accepts', () => {
    for (const c of composeContainers()) expect(() => resolveConfig({ env: c.env }), c.where).not.toThrow();
    const maps = k8sDocs().filter(({ doc }) => doc.kind === 'ConfigMap' || doc.kind === 'Secret');
    const env = Object.assign({}, ...maps.map(({ doc }) => ({ ...doc.data, ...doc.stringData }))) as Record<
      string,
      string
    >;
    expect(() => resolveConfig({ env })).not.toThrow();
  });

  it('run only commands and services that exist', () => {
    const commands = new Set(COMMANDS.map((c) => c.name));
    const services = new Set<string>([...SERVICE_NAMES, 'all']);
    for (const c of containers) {
      const [command, service] = c.args;
      expect(commands.has(command ?? ''), `${c.where}: command ${command}`).toBe(true);
      if (command === 'run') expect(services.has(service ?? ''), `${c.where}: service ${service}`).toBe(true);
    }
  });
});
