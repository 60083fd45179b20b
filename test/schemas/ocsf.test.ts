/**
 * Every OCSF document Vigil emits validates against the official OCSF JSON Schema of the
 * version it declares in metadata.version (draft 2020-12, ajv's 2020 build, strict formats).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { toOcsf, type OcsfVersion } from '../../services/alert-sink/outputs/ocsf.ts';
import { sampleAlerts } from '../fixtures/alerts/sample-alerts.ts';
import { readSchemaFile } from './schemas-dir.ts';

describe.each<OcsfVersion>(['1.8.0', '1.4.0'])('OCSF %s Detection Finding', (version) => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readSchemaFile(`ocsf-${version}-detection_finding.schema.json`)));

  it.each(sampleAlerts().map((a) => [a.detector, a] as const))('validates %s', (_name, alert) => {
    const doc = toOcsf(alert, version);
    expect((doc['metadata'] as { version: string }).version).toBe(version);
    const ok = validate(doc);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is refused when it breaks the schema (the validator is live)', () => {
    const doc = { ...toOcsf(sampleAlerts()[0]!, version), attacks: [] };
    expect(validate(doc)).toBe(false);
  });
});
