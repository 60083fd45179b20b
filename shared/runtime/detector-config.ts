/**
 * Detector config changed at run time (PUT /api/v1/detectors/:id). Changes are kept as
 * checkpoints under the `detector-config` state key space (a compacted topic on Kafka,
 * files when embedded), so they survive restarts and reach every process: services in the
 * API's own process hear of a change at once; on Kafka, other processes follow the topic.
 * A change holds the whole section, validated by the detector's schema before it is saved.
 */
import { stateTopic } from '../bus/topics.ts';
import { errorMessage } from '../errors.ts';
import type { EventSource } from '../pipeline/ports.ts';
import type { ResolvedDetector } from '../pipeline/registry.ts';
import type { ServiceContext } from './context.ts';
import { fanoutSource } from './fanout-source.ts';

export const DETECTOR_CONFIG_SPACE = 'detector-config';

export type DetectorChange = (detector: ResolvedDetector) => void;

export class DetectorConfigHub {
  private readonly current = new Map<string, ResolvedDetector>();
  private readonly listeners = new Set<DetectorChange>();
  /** Ids with a change saved through the API: it overrides the file, at boot and on reload. */
  private readonly saved = new Set<string>();
  private source: EventSource | undefined;

  constructor(private readonly ctx: ServiceContext) {
    // Definitions sharing an id share one section: the first stands for the id.
    for (const d of ctx.detectors)
      if (!this.current.has(d.definition.id)) this.current.set(d.definition.id, d);
  }

  /** Effective config of every detector: the file's, with saved changes applied. */
  list(): ResolvedDetector[] {
    return [...this.current.values()];
  }

  get(id: string): ResolvedDetector | undefined {
    return this.current.get(id);
  }

  /** Applies saved changes, then (on Kafka) follows changes made by other processes. */
  async start(): Promise<void> {
    const saved = await this.ctx.bus.stateStore(DETECTOR_CONFIG_SPACE).loadAll();
    for (const [id, section] of saved) {
      this.saved.add(id);
      this.apply(id, section);
    }
    if (this.ctx.mode !== 'kafka') return;
    this.source = fanoutSource(this.ctx, {
      purpose: 'detector-config',
      topics: [stateTopic(this.ctx.topics, DETECTOR_CONFIG_SPACE)],
      fromBeginning: true,
    });
    await this.source.start(async (batch) => {
      for (const m of batch.messages) {
        if (m.key === null || m.value === null) continue;
        this.saved.add(m.key.toString('utf8'));
        this.apply(m.key.toString('utf8'), JSON.parse(m.value.toString('utf8')) as unknown);
      }
    });
  }

  /** Validates and saves `section` as detector `id`'s config; returns the resolved result. */
  async put(detector: ResolvedDetector): Promise<void> {
    await this.ctx.bus
      .stateStore(DETECTOR_CONFIG_SPACE)
      .save([{ key: detector.definition.id, value: detector.config }]);
    this.saved.add(detector.definition.id);
    this.current.set(detector.definition.id, detector);
    this.notify(detector);
  }

  /**
   * A config file reload: every section without a change saved through the API takes the
   * file's new value (running monitors reconfigure, baselines kept). Returns the ids applied
   * and those whose file change is overridden by a saved API change.
   */
  applyFile(detectors: readonly ResolvedDetector[]): { applied: string[]; overridden: string[] } {
    const applied: string[] = [];
    const overridden: string[] = [];
    for (const d of detectors) {
      const id = d.definition.id;
      const known = this.current.get(id);
      if (known === undefined || known.definition !== d.definition) continue;
      if (JSON.stringify(known.config) === JSON.stringify(d.config)) continue;
      if (this.saved.has(id)) {
        overridden.push(id);
        continue;
      }
      this.current.set(id, d);
      this.notify(d);
      applied.push(id);
    }
    return { applied, overridden };
  }

  onChange(listener: DetectorChange): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    await this.source?.stop();
  }

  private apply(id: string, section: unknown): void {
    const known = this.current.get(id);
    if (known === undefined) return;
    const parsed = known.definition.config.safeParse(section);
    if (!parsed.success) {
      this.ctx.log.warn(
        { detector: id, code: 'VGL_ERR_CONFIG_INVALID' },
        'saved detector config ignored: invalid',
      );
      return;
    }
    if (JSON.stringify(parsed.data) === JSON.stringify(known.config)) return;
    const next = { definition: known.definition, config: Object.freeze(parsed.data) };
    this.current.set(id, next);
    this.notify(next);
  }

  private notify(detector: ResolvedDetector): void {
    for (const listener of this.listeners) {
      try {
        listener(detector);
      } catch (err) {
        this.ctx.log.error(
          { detector: detector.definition.id, err: errorMessage(err) },
          'applying detector config failed',
        );
      }
    }
  }
}
