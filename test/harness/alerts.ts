/**
 * Alerts straight onto the alerts topic, for sink tests that need exact counts: `makeAlerts`
 * builds distinct alerts (ids, severities, tenants spread), `publishAlerts` sends them keyed
 * by alert_id through the real broker.
 */
import type { Alert, Severity } from '../../shared/events/types.ts';
import type { TestVigil } from './vigil.ts';
import { alert } from '../fixtures/alerts/sample-alerts.ts';

const SEVERITY_CYCLE: Severity[] = ['low', 'medium', 'high', 'critical'];

export function makeAlerts(n: number, label: string, over: Partial<Alert> = {}): Alert[] {
  return Array.from({ length: n }, (_, i) =>
    alert({
      alert_id: `${label}-${String(i).padStart(4, '0')}`.padEnd(32, '0'),
      detector: i % 2 === 0 ? 'access.volume' : 'inference.extraction.rate',
      category: i % 2 === 0 ? 'exfiltration' : 'extraction',
      severity: SEVERITY_CYCLE[i % SEVERITY_CYCLE.length]!,
      tenant: i % 5 === 0 ? 'globex' : 'acme',
      entity: { type: 'principal', id: `p-${label}-${i}` },
      title: `alert ${i} of ${label} | pipes \\ and = signs`,
      ...over,
    }),
  );
}

export async function publishAlerts(vigil: TestVigil, alerts: readonly Alert[]): Promise<void> {
  const publisher = await vigil.ctx.bus.publisher();
  await publisher.publish(
    vigil.ctx.topics.alerts,
    alerts.map((a) => ({ key: a.alert_id, value: JSON.stringify(a) })),
  );
}
