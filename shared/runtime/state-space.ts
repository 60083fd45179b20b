/**
 * A small keyed space of run-time settings (rules, rule proposals) kept like detector
 * config changes: in the bus's state store (a compacted topic on Kafka, files when
 * embedded), so entries survive restarts; on Kafka every process follows the topic, so a
 * change made through one process's API reaches all of them.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { stateTopic } from '../bus/topics.ts';
import { errorMessage } from '../errors.ts';
import type { EventSource } from '../pipeline/ports.ts';
import type { ServiceContext } from './context.ts';

export type SpaceListener = (key: string, value: unknown) => void;

export class StateSpace {
  private source: EventSource | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    readonly name: string,
  ) {}

  /** Calls `onValue` for every saved entry, then (on Kafka) for every later change; null = deleted. */
  async start(onValue: SpaceListener): Promise<void> {
    const saved = await this.ctx.bus.stateStore(this.name).loadAll();
    for (const [key, value] of saved) onValue(key, value);
    if (this.ctx.mode !== 'kafka') return;
    this.source = this.ctx.bus.source({
      groupId: `vigil-${this.name}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      topics: [stateTopic(this.ctx.topics, this.name)],
      fromBeginning: true,
    });
    await this.source.start(async (batch) => {
      for (const m of batch.messages) {
        if (m.key === null) continue;
        const key = m.key.toString('utf8');
        try {
          onValue(key, m.value === null ? null : (JSON.parse(m.value.toString('utf8')) as unknown));
        } catch (err) {
          this.ctx.log.warn({ space: this.name, key, err: errorMessage(err) }, 'unreadable entry skipped');
        }
      }
    });
  }

  async save(key: string, value: unknown): Promise<void> {
    await this.ctx.bus.stateStore(this.name).save([{ key, value }]);
  }

  async stop(): Promise<void> {
    await this.source?.stop();
  }
}
