/**
 * Changelog text of the access detectors' packed states, written directly (a codec's
 * `encodeText`): exactly what `JSON.stringify(codec.encode(value))` gives, without
 * JSON.stringify scanning every character of the base64 for escapes — base64 needs none,
 * and a finite number's JSON is its `String`.
 */
import { packArray } from '../../shared/stats/packed.ts';

type Packable = Parameters<typeof packArray>[0];

/** JSON of `packArray(a)`. */
export function packedText(a: Packable): string {
  return `"${packArray(a)}"`;
}

/** JSON of a number (null when not finite, as JSON.stringify writes it). */
export function numberText(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/**
 * JSON of an array of numbers followed by strings already in JSON (`packedText`). Joined,
 * not concatenated piece by piece: the text is kept (the store's encoded tier), and a
 * chain of `+=` would keep a tree of cons strings, twice the bytes of the flat text.
 */
export function arrayText(numbers: ArrayLike<number>, ...texts: string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; i++) parts.push(numberText(numbers[i] as number));
  for (let i = 0; i < texts.length; i++) parts.push(texts[i] as string);
  return `[${parts.join(',')}]`;
}
