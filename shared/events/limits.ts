/** Input limits of the event contract (docs/architecture.md, "Events"). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
export const MAX_STRING_BYTES = 4096;
export const MAX_ARRAY_ITEMS = 1024;
export const MAX_EVENT_ID_CHARS = 128;
export const MAX_FEATURE_KEYS = 64;
export const MAX_EMBEDDING_DIMS = 256;
/** Event times outside [2000-01-01, 2100-01-01) are rejected as corrupt. */
export const MIN_TS_MS = 946_684_800_000;
export const MAX_TS_MS = 4_102_444_800_000;
