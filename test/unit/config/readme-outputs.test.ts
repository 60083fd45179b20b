/**
 * The README's output examples are working config: every YAML block of "Outputs for SIEM
 * and SOAR" that configures webhooks or syslog resolves without a problem (secret files and
 * environment variables it names are provided here).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveConfig } from '../../../shared/config/index.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const section = readme.slice(
  readme.indexOf('## Outputs for SIEM and SOAR'),
  readme.indexOf('### Other ways out'),
);
const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((b) => /^(webhooks|syslog):/m.test(b));

describe('README output examples', () => {
  const key = `whsec_${randomBytes(32).toString('base64')}`;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-readme-'));

  it('has examples for every format and transport', () => {
    const all = blocks.join('\n');
    for (const f of ['json', 'ocsf', 'ecs', 'splunk_hec']) expect(all).toContain(`format: ${f}`);
    for (const t of ['tcp', 'tls']) expect(all).toContain(`transport: ${t}`);
  });

  it.each(blocks.map((b, i) => [i, b] as const))('block %i resolves', (_i, block) => {
    const text = block.replace(/\/run\/secrets\/[\w-]+/g, (path) => {
      const file = join(dir, path.split('/').pop()!);
      writeFileSync(file, `${key}\n`);
      return file;
    });
    const env = { VIGIL_SOC_WEBHOOK_SECRET: key, VIGIL_ES_API_KEY: 'es-api-key' };
    expect(() => resolveConfig({ env, overrides: parse(text) as Record<string, unknown> })).not.toThrow();
  });
});
