/**
 * CSV cells for `vigil score`: timestamps of the forms real datasets use, numbers that
 * refuse empty cells, RFC 4180 quoting, and the score format.
 */

/** Epoch ms of a timestamp cell, or NaN. */
export function parseTimestamp(text: string): number {
  const s = text.trim();
  if (s === '') return Number.NaN;
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    // Ten-digit epochs are seconds (until 2286); longer ones milliseconds.
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (m !== null) {
    const time = (m[2] as string).length === 5 ? `${m[2]}:00` : (m[2] as string);
    return Date.parse(`${m[1]}T${time}${m[3] ?? 'Z'}`);
  }
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00Z`) : Number.NaN;
}

/** Splits one CSV line (RFC 4180 quoting, no embedded newlines). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A cell's number, or NaN for empty or non-numeric text (Number('') would be 0). */
export function parseValue(text: string): number {
  const s = text.trim();
  return s === '' ? Number.NaN : Number(s);
}

export function formatScore(x: number): string {
  const v = Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0));
  return v === 0 ? '0' : v === 1 ? '1' : v.toFixed(6);
}
