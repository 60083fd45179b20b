/**
 * Changelogs of the embedded bus: per topic and partition, the latest record per key —
 * what compaction leaves on Kafka. With a directory, each topic is also kept in a file
 * (written at most every few seconds and on close, replaced atomically), so baselines
 * survive a restart of `npm start`. The embedded topics themselves do not survive, so the
 * input offsets recorded in the state are dropped on load: they would point into logs
 * that no longer exist.
 */
import { OFFSET_STORE } from '../pipeline/processor.ts';
import type { ChangelogRecordHandler, StateRecord } from '../pipeline/ports.ts';
import { readStateFile, stateFilePath, writeStateFile } from './file-state.ts';

const WRITE_EVERY_MS = 5000;

export class MemoryChangelogs {
  private readonly topics = new Map<string, Map<number, Map<string, string>>>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly dir: string | undefined) {}

  private topic(name: string): Map<number, Map<string, string>> {
    let t = this.topics.get(name);
    if (t !== undefined) return t;
    t = new Map();
    if (this.dir !== undefined) {
      const skip = `${OFFSET_STORE}|`;
      for (const [p, records] of readStateFile(stateFilePath(this.dir, name))) {
        const kept = Object.entries(records as Record<string, string>).filter(([k]) => !k.startsWith(skip));
        t.set(Number(p), new Map(kept));
      }
    }
    this.topics.set(name, t);
    return t;
  }

  apply(name: string, partition: number, records: readonly StateRecord[]): void {
    if (records.length === 0) return;
    const t = this.topic(name);
    let p = t.get(partition);
    if (p === undefined) t.set(partition, (p = new Map()));
    for (const r of records) {
      if (r.value === null) p.delete(r.key);
      else p.set(r.key, r.value);
    }
    this.markDirty(name);
  }

  read(name: string, partitions: readonly number[], onRecord: ChangelogRecordHandler): void {
    const t = this.topic(name);
    for (const partition of partitions) {
      for (const [key, value] of t.get(partition) ?? []) onRecord(partition, key, value);
    }
  }

  private markDirty(name: string): void {
    if (this.dir === undefined) return;
    this.dirty.add(name);
    this.timer ??= setTimeout(() => this.flush(), WRITE_EVERY_MS).unref();
  }

  /** Writes changed topics to their files now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dir === undefined) return;
    for (const name of this.dirty) {
      const t = this.topics.get(name);
      if (t === undefined) continue;
      const out = new Map([...t].map(([p, records]) => [String(p), Object.fromEntries(records)] as const));
      writeStateFile(stateFilePath(this.dir, name), out);
    }
    this.dirty.clear();
  }
}
