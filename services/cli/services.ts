/** The runnable services, in start order (sinks before producers of their input, the API last). */
import type { ApiKey } from '../../shared/config/index.ts';
import type { ServiceDefinition } from '../../shared/runtime/service.ts';
import { accessMonitor } from '../access-monitor/index.ts';
import { alertSink } from '../alert-sink/index.ts';
import { apiService } from '../api/index.ts';
import { correlator } from '../correlator/index.ts';
import { facilityMonitor } from '../facility-monitor/index.ts';
import { inferenceMonitor } from '../inference-monitor/index.ts';

export const SERVICE_NAMES = [
  'alert-sink',
  'inference-monitor',
  'access-monitor',
  'facility-monitor',
  'correlator',
  'api',
] as const;

export interface ServiceOptions {
  /** Readiness of the whole process, for the API's /readyz. */
  notReady: () => string[];
  /** Keys for this run only (the generated admin key of the embedded mode). */
  extraKeys?: readonly ApiKey[];
}

export function findServices(name: string, options: ServiceOptions): ServiceDefinition[] {
  const all: ServiceDefinition[] = [
    alertSink,
    inferenceMonitor,
    accessMonitor,
    facilityMonitor,
    correlator,
    apiService({ notReady: options.notReady, extraKeys: options.extraKeys ?? [] }),
  ];
  if (name === 'all') return all;
  // "a,b" runs several services in one process (start order stays the catalogue's).
  const wanted = name.split(',').map((n) => n.trim());
  if (wanted.some((n) => !all.some((s) => s.name === n))) return [];
  return all.filter((s) => wanted.includes(s.name));
}
