/**
 * Decodes one message (UTF-8 JSON: an event or an array of events) into validated events
 * and rejections. Rejections keep the bytes they came from, so the dead-letter record
 * carries exactly what the producer sent.
 */
import { MAX_ARRAY_ITEMS, MAX_MESSAGE_BYTES } from './limits.ts';
import { validateEvent } from './validate.ts';
import type { VigilEvent } from './types.ts';

export interface Rejection {
  reason: string;
  /** The bytes of the rejected message, or of the rejected item of an array message. */
  raw: Buffer;
}

export interface Decoded {
  events: VigilEvent[];
  rejections: Rejection[];
  /**
   * When present, filled in step with `events`: the producer's JSON text of each event if it
   * came alone in its message (so it can be stored without serialising it again), else undefined.
   */
  texts?: Array<string | undefined>;
}

export function decodeMessage(bytes: Buffer | null, into: Decoded = { events: [], rejections: [] }): Decoded {
  if (bytes === null || bytes.length === 0) {
    into.rejections.push({ reason: 'message: empty value', raw: bytes ?? Buffer.alloc(0) });
    return into;
  }
  if (bytes.length > MAX_MESSAGE_BYTES) {
    into.rejections.push({
      reason: `message: ${bytes.length} bytes exceeds the ${MAX_MESSAGE_BYTES}-byte limit`,
      raw: bytes,
    });
    return into;
  }
  return decodeJson(bytes.toString('utf8'), into, () => bytes);
}

/** As decodeMessage, for text already in memory (NDJSON lines); bytes are made only for rejections. */
export function decodeText(text: string, into: Decoded = { events: [], rejections: [] }): Decoded {
  if (text.length * 3 > MAX_MESSAGE_BYTES && Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
    into.rejections.push({
      reason: `message: ${Buffer.byteLength(text)} bytes exceeds the ${MAX_MESSAGE_BYTES}-byte limit`,
      raw: Buffer.from(text),
    });
    return into;
  }
  return decodeJson(text, into, () => Buffer.from(text));
}

function decodeJson(text: string, into: Decoded, raw: () => Buffer): Decoded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    into.rejections.push({ reason: `message: invalid JSON (${(err as Error).message})`, raw: raw() });
    return into;
  }
  if (!Array.isArray(parsed)) {
    const result = validateEvent(parsed);
    if (result.ok) {
      into.events.push(result.event);
      into.texts?.push(text);
    } else into.rejections.push({ reason: result.reason, raw: raw() });
    return into;
  }
  if (parsed.length > MAX_ARRAY_ITEMS) {
    into.rejections.push({
      reason: `message: array of ${parsed.length} events exceeds ${MAX_ARRAY_ITEMS}`,
      raw: raw(),
    });
    return into;
  }
  for (let i = 0; i < parsed.length; i++) {
    const item: unknown = parsed[i];
    const result = validateEvent(item);
    if (result.ok) {
      into.events.push(result.event);
      into.texts?.push(undefined);
    } else
      into.rejections.push({ reason: `[${i}] ${result.reason}`, raw: Buffer.from(JSON.stringify(item)) });
  }
  return into;
}
