/**
 * Prints alerts to a terminal as they arrive (the `npm start` experience): one line per
 * new alert, read from the alerts topic as a consumer group of its own (deleted on stop).
 */
import type { Alert } from '../events/types.ts';
import { latestRevisions } from '../pipeline/alert-fanout.ts';
import type { ServiceContext } from './context.ts';
import { fanoutSource } from './fanout-source.ts';
import type { RunningService } from './service.ts';

const COLOURS: Record<string, string> = {
  critical: '\x1b[41;97m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
};

export function formatAlertLine(alert: Alert, colour: boolean): string {
  const sev = alert.severity.toUpperCase().padEnd(8);
  const tag = colour ? `${COLOURS[alert.severity] ?? ''}${sev}\x1b[0m` : sev;
  return `${tag} ${alert.detector.padEnd(28)} ${alert.entity.type}:${alert.entity.id} — ${alert.title} [${alert.alert_id.slice(0, 8)}]`;
}

export async function startAlertConsole(
  ctx: ServiceContext,
  out: NodeJS.WritableStream & { isTTY?: boolean },
) {
  const seen = new Set<string>();
  const source = fanoutSource(ctx, { purpose: 'console', topics: [ctx.topics.alerts] });
  await source.start(async (batch) => {
    for (const alert of latestRevisions(batch, ctx.log)) {
      if (seen.has(alert.alert_id)) continue;
      if (seen.size > 100_000) seen.clear();
      seen.add(alert.alert_id);
      out.write(`${formatAlertLine(alert, out.isTTY === true)}\n`);
    }
  });
  return { name: 'alert-console', ready: () => true, stop: () => source.stop() } satisfies RunningService;
}
