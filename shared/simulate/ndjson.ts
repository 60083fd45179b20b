/**
 * NDJSON output: one event per line with `ts` as an RFC 3339 string. The serializer
 * writes each field's bytes straight into a `JsonBytes` buffer (see json-bytes.ts for
 * why), which the file writer hands to `writeSync` a megabyte at a time — no stream
 * back-pressure bookkeeping, and memory stays at the buffer size however many events pass.
 */
import { closeSync, openSync } from 'node:fs';
import type { AccessEvent, FacilityEvent, InferenceEvent, VigilEvent } from '../events/types.ts';
import { JsonBytes } from './json-bytes.ts';

const COMMA = 44;
const OPEN = 123;
const CLOSE = 125;

function optStr(o: JsonBytes, key: string, v: string | undefined): void {
  if (v === undefined) return;
  o.raw(key);
  o.str(v);
}
function optNum(o: JsonBytes, key: string, v: number | undefined): void {
  if (v === undefined) return;
  o.raw(key);
  o.num(v);
}
function strings(o: JsonBytes, a: readonly string[]): void {
  o.byte(91);
  for (let i = 0; i < a.length; i++) {
    if (i > 0) o.byte(COMMA);
    o.str(a[i] as string);
  }
  o.byte(93);
}
function numbers(o: JsonBytes, a: readonly number[]): void {
  o.byte(91);
  for (let i = 0; i < a.length; i++) {
    if (i > 0) o.byte(COMMA);
    o.num(a[i] as number);
  }
  o.byte(93);
}
function numberRecord(o: JsonBytes, r: Readonly<Record<string, number | undefined>>): void {
  o.byte(OPEN);
  let first = true;
  for (const k in r) {
    const v = r[k];
    if (v === undefined) continue;
    if (!first) o.byte(COMMA);
    first = false;
    o.str(k);
    o.byte(58);
    o.num(v);
  }
  o.byte(CLOSE);
}

function inference(o: JsonBytes, e: InferenceEvent): void {
  o.raw(',"model_id":');
  o.str(e.model_id);
  optStr(o, ',"model_version":', e.model_version);
  optStr(o, ',"endpoint":', e.endpoint);
  o.raw(',"principal":');
  o.str(e.principal);
  optStr(o, ',"client_ip":', e.client_ip);
  optStr(o, ',"session_id":', e.session_id);
  o.raw(',"latency_ms":');
  o.num(e.latency_ms);
  o.raw(',"status":');
  o.str(e.status);
  optNum(o, ',"input_tokens":', e.input_tokens);
  optNum(o, ',"output_tokens":', e.output_tokens);
  const p = e.prediction;
  if (p !== undefined) {
    o.raw(',"prediction":{');
    if (p.label !== undefined) {
      o.raw('"label":');
      o.str(p.label);
    }
    if (p.score !== undefined) {
      o.raw(p.label === undefined ? '"score":' : ',"score":');
      o.num(p.score);
    }
    o.byte(CLOSE);
  }
  if (e.logprobs_requested !== undefined)
    o.raw(e.logprobs_requested ? ',"logprobs_requested":true' : ',"logprobs_requested":false');
  if (e.input_features !== undefined) {
    o.raw(',"input_features":');
    numberRecord(o, e.input_features);
  }
  if (e.input_embedding !== undefined) {
    o.raw(',"input_embedding":');
    numbers(o, e.input_embedding);
  }
  if (e.policy_flags !== undefined) {
    o.raw(',"policy_flags":');
    strings(o, e.policy_flags);
  }
  if (e.tool_calls !== undefined) {
    o.raw(',"tool_calls":[');
    const calls = e.tool_calls;
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i];
      if (c === undefined) continue;
      o.raw(i === 0 ? '{"tool":' : ',{"tool":');
      o.str(c.tool);
      optStr(o, ',"destination":', c.destination);
      o.byte(CLOSE);
    }
    o.byte(93);
  }
}

function access(o: JsonBytes, e: AccessEvent): void {
  o.raw(',"principal":');
  o.str(e.principal);
  optStr(o, ',"principal_type":', e.principal_type);
  optStr(o, ',"role":', e.role);
  o.raw(',"action":');
  o.str(e.action);
  o.raw(',"resource":');
  o.str(e.resource);
  optStr(o, ',"resource_type":', e.resource_type);
  optStr(o, ',"sensitivity":', e.sensitivity);
  optStr(o, ',"resource_tenant":', e.resource_tenant);
  optNum(o, ',"bytes":', e.bytes);
  optNum(o, ',"records":', e.records);
  o.raw(',"outcome":');
  o.str(e.outcome);
  optStr(o, ',"client_ip":', e.client_ip);
  optStr(o, ',"via":', e.via);
}

function facility(o: JsonBytes, e: FacilityEvent): void {
  o.raw(',"site":');
  o.str(e.site);
  o.raw(',"zone":');
  o.str(e.zone);
  o.raw(',"kind":');
  o.str(e.kind);
  if (e.kind === 'badge') {
    o.raw(',"badge_id":');
    o.str(e.badge_id);
    o.raw(',"door_id":');
    o.str(e.door_id);
    o.raw(',"result":');
    o.str(e.result);
    optStr(o, ',"direction":', e.direction);
    optStr(o, ',"holder_role":', e.holder_role);
    return;
  }
  o.raw(',"device_id":');
  o.str(e.device_id);
  if (e.metrics !== undefined) {
    o.raw(',"metrics":');
    numberRecord(o, e.metrics as Record<string, number | undefined>);
  }
  optStr(o, ',"state":', e.state);
  if (e.kind === 'ups') {
    optStr(o, ',"firmware":', e.firmware);
    optStr(o, ',"config_hash":', e.config_hash);
  }
}

/**
 * Writes one event as an NDJSON line (with its newline). Field by field rather than with
 * `JSON.stringify`, because serialisation dominates the cost of writing events (see
 * test/bench/simulate). It knows the contract's fields and `sim_scenario`; other extra
 * fields are not written. The bytes equal `JSON.stringify` of the event with `ts` as
 * RFC 3339, in contract key order.
 */
export function writeEvent(o: JsonBytes, e: VigilEvent): void {
  o.raw('{"type":');
  o.str(e.type);
  o.raw(',"event_id":');
  o.str(e.event_id);
  o.raw(',"ts":');
  o.time(e.ts);
  o.raw(',"tenant":');
  o.str(e.tenant);
  optStr(o, ',"source":', e.source);
  if (e.type === 'inference') inference(o, e);
  else if (e.type === 'access') access(o, e);
  else facility(o, e);
  const tag = e['sim_scenario'];
  if (typeof tag === 'string') {
    o.raw(',"sim_scenario":');
    o.str(tag);
  }
  o.raw('}\n');
}

/** Events as NDJSON line strings, for Kafka messages and tests. */
export class EventSerializer {
  private readonly out = new JsonBytes(null, 64 * 1024);

  line(e: VigilEvent): string {
    const o = this.out;
    o.pos = 0;
    writeEvent(o, e);
    return o.buf.toString('utf8', 0, o.pos);
  }
}

/** Events to an NDJSON file through one reusable buffer and synchronous writes. */
export class NdjsonFileWriter {
  private readonly fd: number;
  private readonly out: JsonBytes;

  constructor(path: string, bufferBytes = 1 << 20) {
    this.fd = openSync(path, 'w');
    this.out = new JsonBytes(this.fd, bufferBytes);
  }

  /** Bytes written so far, including those still buffered. */
  get bytes(): number {
    return this.out.flushed + this.out.pos;
  }

  write(e: VigilEvent): void {
    writeEvent(this.out, e);
  }

  close(): void {
    this.out.flush();
    closeSync(this.fd);
  }
}
