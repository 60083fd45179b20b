/**
 * The OpenAPI 3.1 description of the API (GET /openapi.json), built once from the same zod
 * schemas the routes validate with, so the document cannot drift from the checks.
 */
import { z } from 'zod';
import { ruleSchema } from '../../shared/pipeline/rule-schema.ts';
import { actionBody, listQuery } from './routes/alerts.ts';
import { overviewQuery } from './routes/overview.ts';

type Schema = Record<string, unknown>;

const json = (schema: z.ZodType): Schema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Schema;
  return rest;
};

function queryParameters(schema: z.ZodObject): Schema[] {
  const properties = (json(schema)['properties'] ?? {}) as Record<string, Schema>;
  return Object.entries(properties).map(([name, s]) => ({ name, in: 'query', required: false, schema: s }));
}

const error = { $ref: '#/components/responses/Error' };
const ok = (description: string, schema: Schema = { type: 'object' }) => ({
  description,
  content: { 'application/json': { schema } },
});
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[0-9a-f]{32}$' },
};
const secured = (roles: string[], op: Schema): Schema => ({
  ...op,
  description: `${(op['description'] as string | undefined) ?? ''} Roles: ${roles.join(', ')}.`.trim(),
  responses: { ...(op['responses'] as Schema), '401': error, '403': error, '429': error },
});

export function buildOpenApi(): Schema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigil API',
      version: '1',
      description:
        'Triage, ingest and configuration for Vigil alerts. Keys (VIGIL_API_KEYS `name:key:role[:tenant1|tenant2]`) ' +
        'have a role and optionally a tenant scope: a scoped key sees, triages and ingests only its tenants. ' +
        'Triage actions are recorded with the key name as the actor. Requests are rate-limited per key (429).',
    },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      responses: {
        Error: ok('An error with a stable code (docs/errors.md)', {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
              required: ['code', 'message'],
            },
          },
        }),
      },
    },
    paths: {
      '/healthz': { get: { security: [], summary: 'Liveness', responses: { '200': ok('Alive') } } },
      '/readyz': {
        get: {
          security: [],
          summary: 'Readiness',
          responses: { '200': ok('Ready'), '503': ok('Not ready') },
        },
      },
      '/metrics': {
        get: secured(['admin', 'analyst', 'integration'], {
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'text/plain exposition format' } },
        }),
      },
      '/api/v1/alerts': {
        get: secured(['admin', 'analyst', 'integration'], {
          summary: 'List alerts (filters, cursor pagination)',
          parameters: queryParameters(listQuery),
          responses: { '200': ok('A page of alerts and next_cursor'), '400': error },
        }),
      },
      '/api/v1/me': {
        get: secured(['admin', 'analyst', 'integration'], {
          summary: 'The calling key: name, role, tenant scope and what it may do',
          responses: { '200': ok('The key') },
        }),
      },
      '/api/v1/overview': {
        get: secured(['admin', 'analyst', 'integration'], {
          summary: 'Alerts per hour by category, severities, top detectors and entities over a range',
          parameters: queryParameters(overviewQuery),
          responses: { '200': ok('The overview'), '400': error },
        }),
      },
      '/api/v1/alerts/{id}': {
        get: secured(['admin', 'analyst', 'integration'], {
          summary:
            'One alert with evidence, triage history, related alerts (incident timeline), raw events and a per-minute chart',
          parameters: [idParam],
          responses: { '200': ok('The alert'), '404': error },
        }),
      },
      '/api/v1/alerts/{id}/actions': {
        post: secured(['admin', 'analyst'], {
          summary: 'Record a triage action; the actor is the key name (an "actor" in the body is refused)',
          parameters: [idParam],
          requestBody: { required: true, content: { 'application/json': { schema: json(actionBody) } } },
          responses: { '201': ok('The recorded action'), '400': error, '404': error },
        }),
      },
      '/api/v1/stream': {
        get: secured(['admin', 'analyst', 'integration'], {
          summary: 'Server-Sent Events of new and updated alerts; resume with Last-Event-ID',
          parameters: [
            { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } },
            { name: 'severity', in: 'query', required: false, schema: { type: 'string' } },
            { name: 'category', in: 'query', required: false, schema: { type: 'string' } },
            { name: 'detector', in: 'query', required: false, schema: { type: 'string' } },
          ],
          responses: { '200': { description: 'text/event-stream' }, '503': error },
        }),
      },
      '/api/v1/events': {
        post: secured(['admin', 'integration'], {
          summary:
            'Ingest one event or an array (≤ 1 MiB), validated like the Kafka path; a scoped key only its tenants',
          requestBody: { required: true, content: { 'application/json': { schema: {} } } },
          responses: { '202': ok('Accepted and rejected counts'), '400': error, '413': error },
        }),
      },
      '/api/v1/detectors': {
        get: secured(['admin'], {
          summary: 'Detectors, effective config and schemas (unscoped admin keys)',
          responses: { '200': ok('') },
        }),
      },
      '/api/v1/detectors/{id}': {
        get: secured(['admin'], {
          summary: 'One detector',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': ok('The detector'), '404': error },
        }),
        put: secured(['admin'], {
          summary: 'Change keys of a detector section',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: { '200': ok('The new config'), '400': error, '404': error },
        }),
      },
      ...rulePaths(),
    },
  };
}

/** Scoped rules and rule proposals (routes/rules.ts). */
function rulePaths(): Schema {
  const ruleId = {
    name: 'id',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$' },
  };
  const body = {
    required: true,
    content: { 'application/json': { schema: json(ruleSchema) } },
  };
  return {
    '/api/v1/rules': {
      get: secured(['admin'], {
        summary: 'Rules from the config file and the API, with their source',
        responses: { '200': ok('') },
      }),
    },
    '/api/v1/rules/{id}': {
      get: secured(['admin'], {
        summary: 'One rule',
        parameters: [ruleId],
        responses: { '200': ok('The rule'), '404': error },
      }),
      put: secured(['admin'], {
        summary:
          'Create or replace an API rule (the path gives the id); applied by running monitors at their next batch',
        parameters: [ruleId],
        requestBody: body,
        responses: { '200': ok('Replaced'), '201': ok('Created'), '400': error, '409': error },
      }),
      delete: secured(['admin'], {
        summary: 'Delete an API rule',
        parameters: [ruleId],
        responses: { '204': { description: 'Deleted' }, '404': error, '409': error },
      }),
    },
    '/api/v1/rule-proposals': {
      get: secured(['admin'], {
        summary: 'Rules proposed from false-positive marks',
        parameters: [
          {
            name: 'status',
            in: 'query',
            required: false,
            schema: { enum: ['pending', 'accepted', 'rejected'] },
          },
        ],
        responses: { '200': ok('') },
      }),
    },
    '/api/v1/rule-proposals/{id}/accept': {
      post: secured(['admin'], {
        summary: 'Accept a proposal, with optional edits to its rule; the rule applies',
        parameters: [ruleId],
        requestBody: { required: false, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { '200': ok('The accepted proposal'), '400': error, '404': error, '409': error },
      }),
    },
    '/api/v1/rule-proposals/{id}/reject': {
      post: secured(['admin'], {
        summary: 'Reject a proposal',
        parameters: [ruleId],
        responses: { '200': ok('The rejected proposal'), '404': error, '409': error },
      }),
    },
  };
}
