/**
 * access.cross_tenant — a principal of one tenant touching a resource owned by another.
 *
 * Statistic: none; this is a rule. Tenancy is a hard boundary, so every crossing is an
 * alert (high severity; critical for confidential/restricted resources or an export).
 * Assumes `resource_tenant` is set by the producer when the owner is known; events without
 * it are not judged. Cost per event: one string comparison; no state.
 */
import { z } from 'zod';
import type { AccessEvent, Severity } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';

interface CrossTenantConfig {
  allowed_pairs: string[];
  ignore_denied: boolean;
}

class CrossTenantDetector implements Detector<AccessEvent> {
  private readonly allowed: ReadonlySet<string>;
  private readonly ignoreDenied: boolean;

  constructor(config: CrossTenantConfig) {
    this.allowed = new Set(config.allowed_pairs);
    this.ignoreDenied = config.ignore_denied;
  }

  update(event: AccessEvent): Finding | null {
    const owner = event.resource_tenant;
    if (owner === undefined || owner === event.tenant) return null;
    if (this.ignoreDenied && event.outcome === 'denied') return null;
    if (this.allowed.has(`${event.tenant}->${owner}`)) return null;

    const sensitive = event.sensitivity === 'confidential' || event.sensitivity === 'restricted';
    const severity: Severity =
      event.outcome === 'allowed' && (sensitive || event.action === 'export') ? 'critical' : 'high';
    const verb = event.outcome === 'allowed' ? 'accessed' : 'was denied access to';
    return {
      entity: { type: 'principal', id: event.principal },
      severity,
      score: severity === 'critical' ? 95 : 80,
      title: `Cross-tenant ${event.action} by ${event.principal}`,
      description:
        `Principal ${event.principal} of tenant "${event.tenant}" ${verb} ${event.resource} ` +
        `owned by tenant "${owner}" (${event.action}, ${event.sensitivity ?? 'unknown'} sensitivity); ` +
        `expected resource tenant "${event.tenant}".`,
      explanation: {
        statistic: 'tenant boundary rule',
        observed: owner,
        expected: event.tenant,
        threshold: 'resource_tenant must equal tenant',
        window: 'per event',
        resource: event.resource,
        action: event.action,
        outcome: event.outcome,
        // Where the call came from: the correlator places consoles in zones by address.
        ...(event.client_ip === undefined ? {} : { client_ip: event.client_ip }),
      },
      techniques: ['T1530', 'AML.T0025'],
      episodeKey: owner,
    };
  }
}

export const crossTenant = defineDetector({
  id: 'access.cross_tenant',
  eventType: 'access',
  category: 'access',
  description: 'A principal of one tenant touching a resource owned by another tenant.',
  config: {
    allowed_pairs: z
      .array(z.string().regex(/^[^>]+->[^>]+$/))
      .default([])
      .describe('Sanctioned crossings as "fromTenant->toTenant", e.g. a shared-services tenant.'),
    ignore_denied: z.boolean().default(false).describe('Skip crossings that the platform already denied.'),
  },
  create: (config) => new CrossTenantDetector(config),
});
