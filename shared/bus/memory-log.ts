/**
 * Storage of the embedded bus: per topic, N partition logs with Kafka-style offsets. A log
 * keeps only what a consumer may still need: entries every group has committed past are
 * dropped, and a cap bounds topics nobody reads (in the single-process mode, `vigil.dlq`).
 */

export interface StoredMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export class PartitionLog {
  /** Offset of `entries[0]`. */
  private base = 0;
  private readonly entries: StoredMessage[] = [];

  constructor(private readonly maxEntries: number) {}

  /** Log end offset: the offset the next message gets (Kafka's high watermark). */
  get end(): number {
    return this.base + this.entries.length;
  }

  get start(): number {
    return this.base;
  }

  append(message: StoredMessage): number {
    this.entries.push(message);
    if (this.entries.length > this.maxEntries) this.trimBefore(this.end - this.maxEntries);
    return this.end - 1;
  }

  /** Up to `max` messages from `offset` (clamped to the oldest kept). */
  read(offset: number, max: number): { offset: number; messages: StoredMessage[] } {
    const from = Math.max(offset, this.base);
    return { offset: from, messages: this.entries.slice(from - this.base, from - this.base + max) };
  }

  trimBefore(offset: number): void {
    const n = Math.min(offset - this.base, this.entries.length);
    if (n <= 0) return;
    this.entries.splice(0, n);
    this.base += n;
  }
}

export class MemoryTopic {
  readonly partitions: PartitionLog[];
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly name: string,
    partitionCount: number,
    maxEntries: number,
  ) {
    this.partitions = Array.from({ length: partitionCount }, () => new PartitionLog(maxEntries));
  }

  append(partition: number, message: StoredMessage): void {
    this.partitions[partition]!.append(message);
  }

  /** Wakes waiting consumers; call once per publish, not per message. */
  notify(): void {
    for (const listener of this.listeners) listener();
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** A one-shot wake-up that can be re-armed: `wait()` resolves on the next `notify()`. */
export class Signal {
  private wake: (() => void) | undefined;
  private pending = false;

  notify(): void {
    this.pending = true;
    this.wake?.();
  }

  wait(timeoutMs?: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        this.pending = false;
        resolve();
      };
      if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
      this.wake = done;
    });
  }
}
