/**
 * Detector configuration for platform teams: GET lists every detector with its effective
 * config and the JSON Schema of its section; PUT changes keys of one section. A change is
 * validated by the detector's own schema, saved, and applied by the monitors while they run
 * (baselines carry over). Admin only.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatIssues } from '../../../shared/config/index.ts';
import { isPlainObject } from '../../../shared/events/checks.ts';
import type { ResolvedDetector } from '../../../shared/pipeline/registry.ts';
import type { DetectorConfigHub } from '../../../shared/runtime/detector-config.ts';
import { sendError } from '../auth.ts';

const SERVICE = {
  inference: 'inference-monitor',
  access: 'access-monitor',
  facility: 'facility-monitor',
} as const;

function describe(d: ResolvedDetector, withSchema: boolean) {
  return {
    id: d.definition.id,
    service: SERVICE[d.definition.eventType],
    category: d.definition.category,
    description: d.definition.description,
    config: d.config,
    ...(withSchema && {
      schema: z.toJSONSchema(d.definition.config, { io: 'input', unrepresentable: 'any' }),
    }),
  };
}

export function detectorRoutes(app: FastifyInstance, hub: DetectorConfigHub): void {
  const admin = { roles: ['admin'], unscoped: true } as const;

  app.get('/api/v1/detectors', { config: admin }, async () => ({
    detectors: hub.list().map((d) => describe(d, true)),
  }));

  app.get<{ Params: { id: string } }>('/api/v1/detectors/:id', { config: admin }, async (request, reply) => {
    const detector = hub.get(request.params.id);
    if (detector === undefined)
      return sendError(reply, 'VGL_ERR_DETECTOR_UNKNOWN', unknown(hub, request.params.id));
    return describe(detector, true);
  });

  app.put<{ Params: { id: string } }>('/api/v1/detectors/:id', { config: admin }, async (request, reply) => {
    const detector = hub.get(request.params.id);
    if (detector === undefined)
      return sendError(reply, 'VGL_ERR_DETECTOR_UNKNOWN', unknown(hub, request.params.id));
    if (!isPlainObject(request.body)) {
      return sendError(
        reply,
        'VGL_ERR_API_BAD_REQUEST',
        'Bad request: expected a JSON object of config keys',
      );
    }
    const parsed = detector.definition.config.safeParse({ ...detector.config, ...request.body });
    if (!parsed.success) {
      return sendError(
        reply,
        'VGL_ERR_CONFIG_INVALID',
        `Invalid configuration for ${detector.definition.id}`,
        formatIssues(parsed.error.issues, `detectors.${detector.definition.id}`),
      );
    }
    const next = { definition: detector.definition, config: Object.freeze(parsed.data) };
    await hub.put(next);
    request.log.info(
      { detector: next.definition.id, by: request.principal?.name, changed: Object.keys(request.body) },
      'detector config changed',
    );
    return describe(next, false);
  });
}

function unknown(hub: DetectorConfigHub, id: string): string {
  return `Unknown detector id "${id.slice(0, 64)}". Known ids: ${hub
    .list()
    .map((d) => d.definition.id)
    .join(', ')}.`;
}
