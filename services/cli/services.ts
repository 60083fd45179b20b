/** The runnable services, in start order (sinks before producers of their input, the API last). */
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
}

export function findServices(name: string, options: ServiceOptions): ServiceDefinition[] {
  const all: ServiceDefinition[] = [
    alertSink,
    inferenceMonitor,
    accessMonitor,
    facilityMonitor,
    correlator,
    apiService({ notReady: options.notReady }),
  ];
  if (name === 'all') return all;
  return all.filter((s) => s.name === name);
}
