/**
 * alert-sink: alerts topic → ClickHouse, SIEM webhooks (json, OCSF, ECS, Splunk HEC) and
 * syslog/CEF receivers, each its own consumer group, committing only what was delivered or
 * dead-lettered.
 */
import { alertSinkService } from '../../shared/runtime/alert-sink-service.ts';
import { buildOutputs } from './build.ts';

export const alertSink = alertSinkService({ outputs: buildOutputs });
