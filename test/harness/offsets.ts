/** Committed offsets of a consumer group against the topic's end, to see what a sink holds back. */
import { Kafka, logLevel } from 'kafkajs';

export async function uncommitted(brokers: string, groupId: string, topic: string): Promise<number> {
  const admin = new Kafka({
    clientId: 'vigil-test',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    return ends.reduce((sum, end) => {
      const c = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      const start = Number(c) < 0 ? Number(end.low) : Number(c);
      return sum + (Number(end.high) - start);
    }, 0);
  } finally {
    await admin.disconnect();
  }
}
