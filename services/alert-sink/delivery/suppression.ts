/**
 * False-positive suppression. Analysts mark alerts `false_positive` through the API, which
 * appends to ClickHouse `alert_actions`; the sink learns of marks by polling that table (one
 * parameterised query per process every `false_positive_poll_seconds`, not per alert) and
 * keeps the marks of the longest suppression window in memory. An output then skips updates
 * of a marked alert (or, with `match: entity`, any alert of its detector and entity) until
 * `suppress_minutes` after the mark. If ClickHouse cannot be read, the last known marks stay
 * in force and delivery goes on: suppression must never hold alerts back.
 */
import type { FalsePositiveConfig } from '../../../shared/config/index.ts';
import { errorMessage } from '../../../shared/errors.ts';
import type { Alert } from '../../../shared/events/types.ts';
import type { PipelineLogger } from '../../../shared/pipeline/observer.ts';
import type { FalsePositiveMark } from '../../../shared/store/false-positive-marks.ts';

export interface MarkSource {
  since(sinceMs: number): Promise<FalsePositiveMark[]>;
}

const entityKey = (detector: string, tenant: string, type: string, id: string): string =>
  JSON.stringify([detector, tenant, type, id]);

export class FalsePositiveCache {
  private byAlert = new Map<string, number>();
  private byEntity = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly source: MarkSource,
    /** The longest `suppress_minutes` of any output, in ms: older marks are not needed. */
    private readonly lookbackMs: number,
    private readonly log: PipelineLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads the marks once, then keeps polling every `pollMs`. */
  async start(pollMs: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const marks = await this.source.since(this.now() - this.lookbackMs);
        const byAlert = new Map<string, number>();
        const byEntity = new Map<string, number>();
        for (const m of marks) {
          byAlert.set(m.alert_id, m.marked_at_ms);
          if (m.detector !== '') {
            const key = entityKey(m.detector, m.tenant, m.entity_type, m.entity_id);
            byEntity.set(key, Math.max(byEntity.get(key) ?? 0, m.marked_at_ms));
          }
        }
        this.byAlert = byAlert;
        this.byEntity = byEntity;
      } catch (err) {
        this.log.warn(
          { err: errorMessage(err) },
          'cannot read false_positive marks; keeping the last known ones',
        );
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** True when `alert` should skip an output configured with `config`. */
  suppresses(alert: Alert, config: FalsePositiveConfig): boolean {
    if (config.suppress_minutes <= 0) return false;
    const markedAt =
      config.match === 'entity'
        ? this.byEntity.get(entityKey(alert.detector, alert.tenant, alert.entity.type, alert.entity.id))
        : this.byAlert.get(alert.alert_id);
    return markedAt !== undefined && this.now() < markedAt + config.suppress_minutes * 60_000;
  }
}
