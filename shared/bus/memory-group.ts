/**
 * A consumer group of the embedded bus: members, the partition assignment (round-robin over
 * the members subscribed to each topic, recomputed on every join and leave) and committed
 * offsets. A partition that changes owner is handed over only after the batch its previous
 * owner is handling has finished, as a Kafka rebalance would.
 */
import type { TopicPartition } from '../pipeline/ports.ts';
import { tpKey } from './assignment.ts';
import type { MemoryTopic } from './memory-log.ts';

export interface GroupMember {
  readonly topics: readonly string[];
  /** Receives the member's new assignment. */
  assign(partitions: TopicPartition[]): void;
}

export class MemoryGroup {
  private readonly members: GroupMember[] = [];
  private readonly committed = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    readonly id: string,
    private readonly topic: (name: string) => MemoryTopic,
  ) {}

  join(member: GroupMember): void {
    this.members.push(member);
    this.rebalance();
  }

  leave(member: GroupMember): void {
    const i = this.members.indexOf(member);
    if (i >= 0) this.members.splice(i, 1);
    this.rebalance();
  }

  committedOffset(tp: TopicPartition): number | undefined {
    return this.committed.get(tpKey(tp.topic, tp.partition));
  }

  commit(tp: TopicPartition, nextOffset: number): void {
    this.committed.set(tpKey(tp.topic, tp.partition), nextOffset);
  }

  /** Committed offsets of this group on `topic`, by partition (for log trimming). */
  committedOn(topic: string): Map<number, number> {
    const out = new Map<number, number>();
    for (const p of this.topic(topic).partitions.keys()) {
      const c = this.committed.get(tpKey(topic, p));
      if (c !== undefined) out.set(p, c);
    }
    return out;
  }

  subscribes(topic: string): boolean {
    return this.members.some((m) => m.topics.includes(topic));
  }

  /** Marks a batch of `tp` as running; the partition's next owner waits for it. */
  running(tp: TopicPartition, work: Promise<void>): void {
    const key = tpKey(tp.topic, tp.partition);
    const done = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.set(key, done);
    void done.then(() => {
      if (this.inFlight.get(key) === done) this.inFlight.delete(key);
    });
  }

  handedOver(tp: TopicPartition): Promise<void> {
    return this.inFlight.get(tpKey(tp.topic, tp.partition)) ?? Promise.resolve();
  }

  private rebalance(): void {
    const topics = [...new Set(this.members.flatMap((m) => m.topics))].sort();
    const next = new Map<GroupMember, TopicPartition[]>(this.members.map((m) => [m, []]));
    for (const name of topics) {
      const subscribed = this.members.filter((m) => m.topics.includes(name));
      const count = this.topic(name).partitions.length;
      for (let partition = 0; partition < count; partition++) {
        next.get(subscribed[partition % subscribed.length]!)!.push({ topic: name, partition });
      }
    }
    for (const [member, partitions] of next) member.assign(partitions);
  }
}
