/**
 * Every field of Vigil's ECS documents outside `vigil.*` is an ECS 9.4.0 field (from ECS's
 * generated field list) and its value fits the field's type; the `_bulk` body is NDJSON of
 * `create` actions with `_id` = alert id.
 */
import { describe, expect, it } from 'vitest';
import { ECS_VERSION, ecsBulkBody, toEcs } from '../../services/alert-sink/outputs/ecs.ts';
import { sampleAlerts } from '../fixtures/alerts/sample-alerts.ts';
import { readSchemaFile } from './schemas-dir.ts';

/** field → ECS type, from the CSV (columns: version, indexed, set, field, type, …). */
function ecsFields(): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of readSchemaFile(`ecs-${ECS_VERSION}-fields.csv`).split('\n').slice(1)) {
    const [, , , field, type] = line.split(',');
    if (field !== undefined && type !== undefined) fields.set(field, type);
  }
  return fields;
}

/** Leaf paths of a document; arrays of scalars are one leaf. */
function leaves(value: unknown, prefix = ''): Array<[string, unknown]> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix === '' ? k : `${prefix}.${k}`));
  }
  return [[prefix, value]];
}

function fits(type: string, value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.every((v) => {
    switch (type) {
      case 'keyword':
      case 'match_only_text':
      case 'text':
      case 'wildcard':
        return typeof v === 'string';
      case 'date':
        return typeof v === 'string' && !Number.isNaN(Date.parse(v));
      case 'long':
        return Number.isInteger(v);
      case 'float':
      case 'scaled_float':
        return typeof v === 'number';
      case 'boolean':
        return typeof v === 'boolean';
      default:
        return false;
    }
  });
}

describe(`ECS ${ECS_VERSION} documents`, () => {
  const fields = ecsFields();

  it('reads the official field list', () => {
    expect(fields.get('@timestamp')).toBe('date');
    expect(fields.size).toBeGreaterThan(1000);
  });

  it.each(sampleAlerts().map((a) => [a.detector, a] as const))(
    'uses only ECS fields of compatible types outside vigil.* (%s)',
    (_name, alert) => {
      const bad: string[] = [];
      for (const [path, value] of leaves(toEcs(alert))) {
        if (path.startsWith('vigil.')) continue;
        const type = fields.get(path);
        if (type === undefined) bad.push(`${path}: not an ECS field`);
        else if (!fits(type, value)) bad.push(`${path}: ${JSON.stringify(value)} does not fit ${type}`);
      }
      expect(bad).toEqual([]);
    },
  );

  it('writes _bulk NDJSON: a create action with _id = alert id before each document', () => {
    const alerts = sampleAlerts().slice(0, 3);
    const lines = ecsBulkBody(alerts, { index: 'logs-vigil.alerts-default' }).split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[6]).toBe('');
    alerts.forEach((alert, i) => {
      expect(JSON.parse(lines[2 * i]!)).toEqual({
        create: { _id: alert.alert_id, _index: 'logs-vigil.alerts-default' },
      });
      expect(JSON.parse(lines[2 * i + 1]!)).toMatchObject({ event: { kind: 'alert' } });
    });
  });
});
