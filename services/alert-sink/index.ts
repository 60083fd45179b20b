/** alert-sink: alerts topic → ClickHouse (and SIEM outputs), committing only what was written. */
import { alertSinkService } from '../../shared/runtime/alert-sink-service.ts';

export const alertSink = alertSinkService();
