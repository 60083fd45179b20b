/**
 * Retries an admin call on errors kafkajs marks `retriable` (e.g. NOT_LEADER_OR_FOLLOWER
 * while a new topic's leadership settles), which some admin calls surface instead of
 * retrying themselves.
 */
export async function retryRetriable<T>(fn: () => Promise<T>, attempts = 20, delayMs = 250): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retriable =
        err !== null && typeof err === 'object' && 'retriable' in err && err.retriable === true;
      if (!retriable || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
