/**
 * Deletes consumer groups that lived only as long as one process: the fan-out readers
 * that give every process every message (the detector-config follower, the API's alert
 * stream, the alert console). Without it each restart leaves a group behind in the
 * cluster until offsets.retention.minutes (7 days by default) expires it. Its own
 * short-lived admin client, so the bus itself is untouched.
 */
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaBusOptions } from './kafka-bus.ts';

export type KafkaClientOptions = Pick<KafkaBusOptions, 'brokers' | 'clientId' | 'ssl' | 'sasl'>;

/** Deletes `groupIds` (each must have no members left); resolves to the ids it could not. */
export async function deleteConsumerGroups(
  options: KafkaClientOptions,
  groupIds: string[],
): Promise<string[]> {
  if (groupIds.length === 0) return [];
  const admin = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
    ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
    ...(options.sasl !== undefined ? { sasl: options.sasl } : {}),
  }).admin();
  try {
    await admin.connect();
    await admin.deleteGroups(groupIds);
    return [];
  } catch (err) {
    // kafkajs reports per-group failures on the error (e.g. GROUP_NOT_EMPTY after a
    // member that has not left yet); anything else means none were deleted.
    const groups = (err as { groups?: Array<{ groupId: string; errorCode: number }> }).groups;
    return groups?.filter((g) => g.errorCode !== 0).map((g) => g.groupId) ?? groupIds;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
