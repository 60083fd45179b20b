/**
 * NDJSON output: one event per line with `ts` as an RFC 3339 string, written through a
 * large reusable buffer with synchronous writes — no stream back-pressure bookkeeping,
 * and memory stays at the buffer size however many events pass.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { AccessEvent, FacilityEvent, InferenceEvent, VigilEvent } from '../events/types.ts';
import { TimeFormatter } from './calendar.ts';

/**
 * A number as JSON text. The simulator rounds to at most three decimals, which integer
 * arithmetic formats several times faster than V8's shortest-double algorithm; the
 * result is the same text `JSON.stringify` gives.
 */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return Number.isSafeInteger(x) ? `${x}` : JSON.stringify(x);
  const q = Math.round(x * 1000);
  if (q / 1000 !== x || q > 2147483647 || q < -2147483647) return Number.isFinite(x) ? String(x) : 'null';
  const a = q < 0 ? -q : q;
  const i = (a / 1000) | 0;
  let f = a - i * 1000;
  let frac: string;
  if (f % 100 === 0) frac = `${f / 100}`;
  else if (f % 10 === 0) {
    f /= 10;
    frac = f < 10 ? `0${f}` : `${f}`;
  } else frac = f < 10 ? `00${f}` : f < 100 ? `0${f}` : `${f}`;
  return `${q < 0 ? '-' : ''}${i}.${frac}`;
}

const QUOTED = new Map<string, string>();
const MAX_QUOTED = 200_000;

/**
 * A string as JSON text. Entity ids, sources and enum values repeat across millions of
 * events, so their quoted form is cached (bounded, so memory stays constant).
 */
function q(s: string): string {
  let r = QUOTED.get(s);
  if (r === undefined) {
    r = JSON.stringify(s);
    if (QUOTED.size < MAX_QUOTED) QUOTED.set(s, r);
  }
  return r;
}
const n = formatNumber;

function optStr(name: string, v: string | undefined): string {
  return v === undefined ? '' : `,"${name}":${q(v)}`;
}
function optNum(name: string, v: number | undefined): string {
  return v === undefined ? '' : `,"${name}":${n(v)}`;
}
function strings(a: readonly string[]): string {
  let s = '[';
  for (let i = 0; i < a.length; i++) s += (i === 0 ? '' : ',') + q(a[i] as string);
  return `${s}]`;
}
function numbers(a: readonly number[]): string {
  let s = '[';
  for (let i = 0; i < a.length; i++) s += (i === 0 ? '' : ',') + n(a[i] as number);
  return `${s}]`;
}
function numberRecord(r: Readonly<Record<string, number | undefined>>): string {
  let s = '{';
  for (const k in r) {
    const v = r[k];
    if (v !== undefined) s += (s.length === 1 ? '' : ',') + `${q(k)}:${n(v)}`;
  }
  return `${s}}`;
}

function inference(e: InferenceEvent): string {
  let s =
    `,"model_id":${q(e.model_id)}${optStr('model_version', e.model_version)}${optStr('endpoint', e.endpoint)}` +
    `,"principal":${q(e.principal)}${optStr('client_ip', e.client_ip)}${optStr('session_id', e.session_id)}` +
    `,"latency_ms":${n(e.latency_ms)},"status":"${e.status}"` +
    `${optNum('input_tokens', e.input_tokens)}${optNum('output_tokens', e.output_tokens)}`;
  const p = e.prediction;
  if (p !== undefined) {
    const parts = `${p.label === undefined ? '' : `"label":${q(p.label)}`}${p.score === undefined ? '' : `${p.label === undefined ? '' : ','}"score":${n(p.score)}`}`;
    s += `,"prediction":{${parts}}`;
  }
  if (e.logprobs_requested !== undefined) s += `,"logprobs_requested":${e.logprobs_requested}`;
  if (e.input_features !== undefined) s += `,"input_features":${numberRecord(e.input_features)}`;
  if (e.input_embedding !== undefined) s += `,"input_embedding":${numbers(e.input_embedding)}`;
  if (e.policy_flags !== undefined) s += `,"policy_flags":${strings(e.policy_flags)}`;
  if (e.tool_calls !== undefined) {
    let t = '';
    for (const c of e.tool_calls)
      t += `${t === '' ? '' : ','}{"tool":${q(c.tool)}${optStr('destination', c.destination)}}`;
    s += `,"tool_calls":[${t}]`;
  }
  return s;
}

function access(e: AccessEvent): string {
  return (
    `,"principal":${q(e.principal)}${optStr('principal_type', e.principal_type)}${optStr('role', e.role)}` +
    `,"action":"${e.action}","resource":${q(e.resource)}${optStr('resource_type', e.resource_type)}` +
    `${optStr('sensitivity', e.sensitivity)}${optStr('resource_tenant', e.resource_tenant)}` +
    `${optNum('bytes', e.bytes)}${optNum('records', e.records)},"outcome":"${e.outcome}"` +
    `${optStr('client_ip', e.client_ip)}${optStr('via', e.via)}`
  );
}

function facility(e: FacilityEvent): string {
  let s = `,"site":${q(e.site)},"zone":${q(e.zone)},"kind":"${e.kind}"`;
  if (e.kind === 'badge') {
    return (
      `${s},"badge_id":${q(e.badge_id)},"door_id":${q(e.door_id)},"result":"${e.result}"` +
      `${optStr('direction', e.direction)}${optStr('holder_role', e.holder_role)}`
    );
  }
  s += `,"device_id":${q(e.device_id)}`;
  if (e.metrics !== undefined)
    s += `,"metrics":${numberRecord(e.metrics as Record<string, number | undefined>)}`;
  s += optStr('state', e.state);
  if (e.kind === 'ups') s += `${optStr('firmware', e.firmware)}${optStr('config_hash', e.config_hash)}`;
  return s;
}

/**
 * Serialises simulator events as NDJSON lines with `ts` as an RFC 3339 string. Written
 * field by field rather than with `JSON.stringify`, because number formatting dominates
 * the cost of writing events (see test/bench/simulate). It knows the contract's fields
 * and `sim_scenario`; other extra fields are not written.
 */
export class EventSerializer {
  private readonly time = new TimeFormatter();

  line(e: VigilEvent): string {
    const head =
      `{"type":"${e.type}","event_id":${JSON.stringify(e.event_id)},"ts":"${this.time.format(e.ts)}"` +
      `,"tenant":${q(e.tenant)}${optStr('source', e.source)}`;
    const body = e.type === 'inference' ? inference(e) : e.type === 'access' ? access(e) : facility(e);
    const tag = e['sim_scenario'];
    return `${head}${body}${typeof tag === 'string' ? `,"sim_scenario":${q(tag)}` : ''}}\n`;
  }
}

export class NdjsonFileWriter {
  private readonly fd: number;
  private readonly buf: Buffer;
  private used = 0;
  /** Bytes written so far. */
  bytes = 0;

  constructor(path: string, bufferBytes = 4 * 1024 * 1024) {
    this.fd = openSync(path, 'w');
    this.buf = Buffer.allocUnsafe(bufferBytes);
  }

  /** Lines joined into one string first: one UTF-8 encode per ~64 KiB instead of per line. */
  private pending = '';

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= 65536) this.encode();
  }

  private encode(): void {
    const text = this.pending;
    this.pending = '';
    // A UTF-16 unit is at most 3 UTF-8 bytes: flush first if the text might not fit.
    if (this.used + text.length * 3 > this.buf.length) {
      this.flushBuffer();
      if (text.length * 3 > this.buf.length) {
        const b = Buffer.from(text, 'utf8');
        writeSync(this.fd, b);
        this.bytes += b.length;
        return;
      }
    }
    const n = this.buf.write(text, this.used, 'utf8');
    this.used += n;
    this.bytes += n;
  }

  flush(): void {
    this.encode();
    this.flushBuffer();
  }

  private flushBuffer(): void {
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
