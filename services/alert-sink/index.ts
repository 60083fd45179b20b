/** alert-sink: alerts topic → ClickHouse and SIEM webhooks, committing only what was written. */
import { alertSinkService } from '../../shared/runtime/alert-sink-service.ts';
import { WebhookOutput } from './outputs/webhook.ts';

export const alertSink = alertSinkService({
  outputs: (ctx) => ctx.config.webhooks.map((w) => new WebhookOutput(w, ctx.log.child({ webhook: w.name }))),
});
