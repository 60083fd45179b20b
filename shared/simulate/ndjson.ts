/**
 * NDJSON output: one event per line with `ts` as an RFC 3339 string. The encoder writes
 * each field's bytes straight into a `JsonBytes` buffer (see json-bytes.ts for why),
 * which the file writer hands to `writeSync` a megabyte at a time — no stream
 * back-pressure bookkeeping, and memory stays at the buffer size however many events pass.
 */
import { closeSync, openSync } from 'node:fs';
import type { AccessEvent, FacilityEvent, InferenceEvent, VigilEvent } from '../events/types.ts';
import { JsonBytes, utf8 } from './json-bytes.ts';

const COMMA = 44;
const CLOSE = 125;
const CLOSE_ARRAY = 93;
/** Distinct values cached per field: more than the principals of `--size large`. */
const MAX_CACHED = 32_768;

/**
 * `key` + JSON of a value + `suffix`, encoded once per distinct value of a string field.
 * Entity ids, enums and sources repeat across millions of events; copying their bytes
 * with one `set` costs a fraction of encoding them again. Bounded, so memory is constant:
 * values past the bound are encoded each time.
 */
class Field {
  private readonly cache = new Map<string, Uint8Array>();
  private readonly keyBytes: Uint8Array;
  private readonly suffixBytes: Uint8Array;

  constructor(
    private readonly key: string,
    private readonly suffix = '',
  ) {
    this.keyBytes = utf8(key);
    this.suffixBytes = utf8(suffix);
  }

  write(o: JsonBytes, v: string): void {
    const b = this.cache.get(v);
    if (b !== undefined) o.bytes(b);
    else this.miss(o, v);
  }

  opt(o: JsonBytes, v: string | undefined): void {
    if (v !== undefined) this.write(o, v);
  }

  private miss(o: JsonBytes, v: string): void {
    if (this.cache.size < MAX_CACHED) {
      const b = utf8(`${this.key}${JSON.stringify(v)}${this.suffix}`);
      this.cache.set(v, b);
      o.bytes(b);
      return;
    }
    o.bytes(this.keyBytes);
    o.str(v);
    o.bytes(this.suffixBytes);
  }
}

/** Keys of `{name: number}` records (features, metrics) as `"name":` bytes. */
class Keys {
  private readonly cache = new Map<string, Uint8Array>();

  write(o: JsonBytes, k: string): void {
    let b = this.cache.get(k);
    if (b === undefined) {
      b = utf8(`${JSON.stringify(k)}:`);
      if (this.cache.size < MAX_CACHED) this.cache.set(k, b);
    }
    o.bytes(b);
  }
}

const K = {
  latency: utf8(',"latency_ms":'),
  inputTokens: utf8(',"input_tokens":'),
  outputTokens: utf8(',"output_tokens":'),
  prediction: utf8(',"prediction":{'),
  score: utf8('"score":'),
  scoreAfterLabel: utf8(',"score":'),
  logprobsTrue: utf8(',"logprobs_requested":true'),
  logprobsFalse: utf8(',"logprobs_requested":false'),
  features: utf8(',"input_features":{'),
  embedding: utf8(',"input_embedding":['),
  policyFlags: utf8(',"policy_flags":['),
  toolCalls: utf8(',"tool_calls":['),
  bytes: utf8(',"bytes":'),
  records: utf8(',"records":'),
  metrics: utf8(',"metrics":{'),
  end: utf8('}\n'),
};

/** Writes events as NDJSON lines; holds the per-field caches. */
class EventEncoder {
  private readonly type = new Field('{"type":', ',"event_id":');
  private readonly tenant = new Field(',"tenant":');
  private readonly source = new Field(',"source":');
  private readonly modelId = new Field(',"model_id":');
  private readonly modelVersion = new Field(',"model_version":');
  private readonly endpoint = new Field(',"endpoint":');
  private readonly principal = new Field(',"principal":');
  private readonly clientIp = new Field(',"client_ip":');
  private readonly sessionId = new Field(',"session_id":');
  private readonly status = new Field(',"status":');
  private readonly label = new Field('"label":');
  private readonly flag = new Field('');
  private readonly tool = new Field('{"tool":');
  private readonly toolAfter = new Field(',{"tool":');
  private readonly destination = new Field(',"destination":');
  private readonly principalType = new Field(',"principal_type":');
  private readonly role = new Field(',"role":');
  private readonly action = new Field(',"action":');
  private readonly resource = new Field(',"resource":');
  private readonly resourceType = new Field(',"resource_type":');
  private readonly sensitivity = new Field(',"sensitivity":');
  private readonly resourceTenant = new Field(',"resource_tenant":');
  private readonly outcome = new Field(',"outcome":');
  private readonly via = new Field(',"via":');
  private readonly site = new Field(',"site":');
  private readonly zone = new Field(',"zone":');
  private readonly kind = new Field(',"kind":');
  private readonly badgeId = new Field(',"badge_id":');
  private readonly doorId = new Field(',"door_id":');
  private readonly result = new Field(',"result":');
  private readonly direction = new Field(',"direction":');
  private readonly holderRole = new Field(',"holder_role":');
  private readonly deviceId = new Field(',"device_id":');
  private readonly state = new Field(',"state":');
  private readonly firmware = new Field(',"firmware":');
  private readonly configHash = new Field(',"config_hash":');
  private readonly scenario = new Field(',"sim_scenario":');
  private readonly keys = new Keys();

  /**
   * One event as an NDJSON line with its newline. It knows the contract's fields and
   * `sim_scenario`; other extra fields are not written. The bytes equal `JSON.stringify`
   * of the event with `ts` as RFC 3339, in contract key order.
   */
  write(o: JsonBytes, e: VigilEvent): void {
    this.type.write(o, e.type);
    o.str(e.event_id);
    o.time(',"ts":', e.ts);
    this.tenant.write(o, e.tenant);
    this.source.opt(o, e.source);
    if (e.type === 'inference') this.inference(o, e);
    else if (e.type === 'access') this.access(o, e);
    else this.facility(o, e);
    const tag = e['sim_scenario'];
    if (typeof tag === 'string') this.scenario.write(o, tag);
    o.bytes(K.end);
  }

  private inference(o: JsonBytes, e: InferenceEvent): void {
    this.modelId.write(o, e.model_id);
    this.modelVersion.opt(o, e.model_version);
    this.endpoint.opt(o, e.endpoint);
    this.principal.write(o, e.principal);
    this.clientIp.opt(o, e.client_ip);
    this.sessionId.opt(o, e.session_id);
    o.bytes(K.latency);
    o.num(e.latency_ms);
    this.status.write(o, e.status);
    if (e.input_tokens !== undefined) {
      o.bytes(K.inputTokens);
      o.num(e.input_tokens);
    }
    if (e.output_tokens !== undefined) {
      o.bytes(K.outputTokens);
      o.num(e.output_tokens);
    }
    const p = e.prediction;
    if (p !== undefined) {
      o.bytes(K.prediction);
      if (p.label !== undefined) this.label.write(o, p.label);
      if (p.score !== undefined) {
        o.bytes(p.label === undefined ? K.score : K.scoreAfterLabel);
        o.num(p.score);
      }
      o.byte(CLOSE);
    }
    if (e.logprobs_requested !== undefined) o.bytes(e.logprobs_requested ? K.logprobsTrue : K.logprobsFalse);
    if (e.input_features !== undefined) {
      o.bytes(K.features);
      this.record(o, e.input_features);
    }
    if (e.input_embedding !== undefined) {
      o.bytes(K.embedding);
      const a = e.input_embedding;
      for (let i = 0; i < a.length; i++) {
        if (i > 0) o.byte(COMMA);
        o.num(a[i] as number);
      }
      o.byte(CLOSE_ARRAY);
    }
    if (e.policy_flags !== undefined) {
      o.bytes(K.policyFlags);
      const a = e.policy_flags;
      for (let i = 0; i < a.length; i++) {
        if (i > 0) o.byte(COMMA);
        this.flag.write(o, a[i] as string);
      }
      o.byte(CLOSE_ARRAY);
    }
    if (e.tool_calls !== undefined) {
      o.bytes(K.toolCalls);
      const calls = e.tool_calls;
      let first = true;
      for (const c of calls) {
        (first ? this.tool : this.toolAfter).write(o, c.tool);
        first = false;
        this.destination.opt(o, c.destination);
        o.byte(CLOSE);
      }
      o.byte(CLOSE_ARRAY);
    }
  }

  /** The members of a `{name: number}` record after its `{`, and the closing brace. */
  private record(o: JsonBytes, r: Readonly<Record<string, number | undefined>>): void {
    let first = true;
    for (const k in r) {
      const v = r[k];
      if (v === undefined) continue;
      if (!first) o.byte(COMMA);
      first = false;
      this.keys.write(o, k);
      o.num(v);
    }
    o.byte(CLOSE);
  }

  private access(o: JsonBytes, e: AccessEvent): void {
    this.principal.write(o, e.principal);
    this.principalType.opt(o, e.principal_type);
    this.role.opt(o, e.role);
    this.action.write(o, e.action);
    this.resource.write(o, e.resource);
    this.resourceType.opt(o, e.resource_type);
    this.sensitivity.opt(o, e.sensitivity);
    this.resourceTenant.opt(o, e.resource_tenant);
    if (e.bytes !== undefined) {
      o.bytes(K.bytes);
      o.num(e.bytes);
    }
    if (e.records !== undefined) {
      o.bytes(K.records);
      o.num(e.records);
    }
    this.outcome.write(o, e.outcome);
    this.clientIp.opt(o, e.client_ip);
    this.via.opt(o, e.via);
  }

  private facility(o: JsonBytes, e: FacilityEvent): void {
    this.site.write(o, e.site);
    this.zone.write(o, e.zone);
    this.kind.write(o, e.kind);
    if (e.kind === 'badge') {
      this.badgeId.write(o, e.badge_id);
      this.doorId.write(o, e.door_id);
      this.result.write(o, e.result);
      this.direction.opt(o, e.direction);
      this.holderRole.opt(o, e.holder_role);
      return;
    }
    this.deviceId.write(o, e.device_id);
    if (e.metrics !== undefined) {
      o.bytes(K.metrics);
      this.record(o, e.metrics as Record<string, number | undefined>);
    }
    this.state.opt(o, e.state);
    if (e.kind === 'ups') {
      this.firmware.opt(o, e.firmware);
      this.configHash.opt(o, e.config_hash);
    }
  }
}

/** Events as NDJSON line strings, for Kafka messages and tests. */
export class EventSerializer {
  private readonly out = new JsonBytes(null, 64 * 1024);
  private readonly encoder = new EventEncoder();

  line(e: VigilEvent): string {
    const o = this.out;
    o.pos = 0;
    this.encoder.write(o, e);
    return o.buf.toString('utf8', 0, o.pos);
  }
}

/** Events to an NDJSON file through one reusable buffer and synchronous writes. */
export class NdjsonFileWriter {
  private readonly fd: number;
  private readonly out: JsonBytes;
  private readonly encoder = new EventEncoder();

  constructor(path: string, bufferBytes = 1 << 20) {
    this.fd = openSync(path, 'w');
    this.out = new JsonBytes(this.fd, bufferBytes);
  }

  /** Bytes written so far, including those still buffered. */
  get bytes(): number {
    return this.out.flushed + this.out.pos;
  }

  write(e: VigilEvent): void {
    this.encoder.write(this.out, e);
  }

  close(): void {
    this.out.flush();
    closeSync(this.fd);
  }
}
