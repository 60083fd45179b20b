/**
 * A SIEM webhook as an alert output: batches of alerts at or above `min_severity` are
 * POSTed, optionally signed (`X-Vigil-Signature: sha256=<hex HMAC of the body>`). A network
 * error, timeout, 408, 429 or 5xx is retriable: the batch is not committed and comes again.
 * Any other 4xx is the receiver refusing the content; retrying cannot help, so it is logged
 * with its code and the batch is skipped rather than blocking every later alert.
 */
import { createHmac } from 'node:crypto';
import type { WebhookConfig } from '../../../shared/config/index.ts';
import { errorMessage, vigilError } from '../../../shared/errors.ts';
import { SEVERITIES, type Alert } from '../../../shared/events/types.ts';
import type { AlertOutput } from '../../../shared/pipeline/alert-fanout.ts';
import type { PipelineLogger } from '../../../shared/pipeline/observer.ts';
import { formatBody } from './formats.ts';

const CONTENT_TYPE = { json: 'application/json', ocsf: 'application/json', splunk_hec: 'application/json' };

export class WebhookOutput implements AlertOutput {
  readonly name: string;
  private readonly minSeverity: number;

  constructor(
    private readonly config: WebhookConfig,
    private readonly log: PipelineLogger,
  ) {
    this.name = `webhook-${config.name}`;
    this.minSeverity = SEVERITIES.indexOf(config.min_severity);
  }

  async write(alerts: readonly Alert[]): Promise<void> {
    const selected = alerts.filter((a) => SEVERITIES.indexOf(a.severity) >= this.minSeverity);
    for (let i = 0; i < selected.length; i += this.config.batch_max) {
      await this.post(selected.slice(i, i + this.config.batch_max));
    }
  }

  private async post(alerts: readonly Alert[]): Promise<void> {
    const body = formatBody(this.config.format, alerts);
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPE[this.config.format],
      'user-agent': 'vigil-alert-sink',
      ...this.config.headers,
    };
    if (this.config.hmac_secret !== undefined) {
      headers['x-vigil-signature'] =
        `sha256=${createHmac('sha256', this.config.hmac_secret).update(body).digest('hex')}`;
    }
    let status: number;
    try {
      const response = await fetch(this.config.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.config.timeout_ms),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (err) {
      throw vigilError('VGL_ERR_SIEM_DELIVERY', [this.config.name, errorMessage(err)], { cause: err });
    }
    if (status < 300) return;
    if (status === 408 || status === 429 || status >= 500) {
      throw vigilError('VGL_ERR_SIEM_DELIVERY', [this.config.name, `HTTP ${status}`]);
    }
    this.log.error(
      {
        code: 'VGL_ERR_SIEM_REJECTED',
        webhook: this.config.name,
        status,
        alerts: alerts.map((a) => a.alert_id),
      },
      'webhook refused alerts; skipped',
    );
  }
}
