/**
 * `vigil simulate`: synthetic telemetry for all three streams with injected scenarios and
 * ground-truth labels — to NDJSON files, or to Kafka (docs/architecture.md, "Topics").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vigilError } from '../../../shared/errors.ts';
import type { VigilEvent } from '../../../shared/events/types.ts';
import type { OutboundMessage, Publisher } from '../../../shared/pipeline/ports.ts';
import { EventSerializer, NdjsonFileWriter } from '../../../shared/simulate/ndjson.ts';
import { Progress } from '../../../shared/simulate/progress.ts';
import { partitionKey } from '../../../shared/events/keys.ts';
import { SCENARIOS } from '../../../shared/simulate/scenarios/index.ts';
import {
  ScenarioError,
  type ParamValue,
  type ScenarioRequest,
} from '../../../shared/simulate/scenarios/types.ts';
import { normaliseRequests, simulate, type Simulation } from '../../../shared/simulate/simulate.ts';
import { worldSummary } from '../../../shared/simulate/summary.ts';
import type { SizePreset } from '../../../shared/simulate/world-types.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command, CommandIO } from '../command.ts';

const usage = `Usage: vigil simulate [--seed N] [--start T] [--days D] [--size small|medium|large]
                      [--scenarios a,b,c|all|attacks|benign|none] [--set name.param=value …]
                      (--out DIR | --kafka [--rate N] [--realtime [--speedup X]] [--brokers H:P,…])
       vigil simulate --list

Generates a realistic AI platform — tenants, models, users, service accounts, agents,
data centres — with injected attack scenarios and benign look-alikes. The same seed and
options give the same bytes.

Options:
  --seed N           seed of the world and its traffic (default 1)
  --start T          first event time, RFC 3339 (default 2026-03-02T00:00:00Z, a Monday)
  --days D           simulated days, fractions allowed (default 7)
  --size S           small | medium | large: ~10² / 10³ / 10⁴ principals (default small)
  --scenarios L      comma-separated scenario names, or all, attacks, benign, none (default all)
  --set S.P=V        a scenario parameter: start, duration, intensity, target or one listed
                     by --list, e.g. --set extraction-prada.start=+3d10h --set drift-input.features=amount+velocity
  --out DIR          write DIR/events.ndjson, DIR/labels.json and DIR/world.json
  --kafka            produce to the Kafka topics instead (keys: model_id, principal, site/zone)
  --rate N           with --kafka: at most N events/s (default 5000; 0 = unlimited)
  --realtime         with --kafka: pace by event time instead (× --speedup, default 1)
  --brokers L        with --kafka: brokers (default $KAFKA_BROKERS)
  --max-events N     stop after N events
  --list             describe every scenario and its parameters
`;

const OPTIONS = {
  seed: { type: 'string' },
  start: { type: 'string' },
  days: { type: 'string' },
  size: { type: 'string' },
  scenarios: { type: 'string' },
  set: { type: 'string', multiple: true },
  out: { type: 'string' },
  kafka: { type: 'boolean' },
  rate: { type: 'string' },
  realtime: { type: 'boolean' },
  speedup: { type: 'string' },
  brokers: { type: 'string' },
  'max-events': { type: 'string' },
  list: { type: 'boolean' },
} as const;

const usageError = (msg: string): Error => vigilError('VGL_ERR_CLI_USAGE', [msg]);

function num(v: string | undefined, flag: string, dflt: number, min = 0): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw usageError(`${flag} must be a number ≥ ${min}, got "${v}"`);
  return n;
}

function listScenarios(): string {
  const out: string[] = [];
  for (const s of SCENARIOS) {
    out.push(`${s.name}${s.benign === true ? '  (benign look-alike)' : ''}`);
    out.push(`  ${s.summary}`);
    out.push(
      `  category ${s.category}; ${s.benign === true ? 'resembles' : 'expected detectors'}: ${s.detectors.join(', ')}`,
    );
    out.push(`  target: ${s.targetDoc}`);
    out.push(
      `  duration ${s.durationMs / 60_000} min (default), placed ${s.timing === 'any' ? 'anywhere' : s.timing === 'night' ? 'at local night' : 'in working hours'}; intensity 1`,
    );
    for (const [k, p] of Object.entries(s.params))
      out.push(`  ${k} = ${Array.isArray(p.default) ? p.default.join('+') : String(p.default)}  — ${p.doc}`);
    out.push('');
  }
  return out.join('\n');
}

/** Applies `--set name.param=value` to the selected requests. */
function applySets(requests: ScenarioRequest[], sets: readonly string[]): void {
  for (const s of sets) {
    const m = /^([a-z0-9-]+)\.([a-z_]+)=(.*)$/.exec(s);
    if (m === null) throw usageError(`--set expects scenario.param=value, got "${s}"`);
    const [, name = '', param = '', raw = ''] = m;
    const req = requests.find((r) => r.name === name);
    const def = SCENARIOS.find((d) => d.name === name);
    if (req === undefined || def === undefined)
      throw usageError(`--set ${s}: scenario "${name}" is not selected`);
    if (param === 'start') req.start = raw;
    else if (param === 'duration') req.duration = raw;
    else if (param === 'target') req.target = raw;
    else if (param === 'intensity') req.intensity = num(raw, `--set ${name}.intensity`, 1);
    else {
      const d = def.params[param];
      if (d === undefined) throw usageError(`--set ${s}: ${name} has no parameter "${param}" (see --list)`);
      const v: ParamValue = Array.isArray(d.default)
        ? raw.split('+')
        : typeof d.default === 'number'
          ? num(raw, `--set ${s}`, 0, -Infinity)
          : raw;
      req.params = { ...req.params, [param]: v };
    }
  }
}

function toFiles(sim: Simulation, dir: string, max: number, io: CommandIO): Record<string, number> {
  mkdirSync(dir, { recursive: true });
  const writer = new NdjsonFileWriter(join(dir, 'events.ndjson'));
  const progress = new Progress(
    io.stderr as unknown as { write(t: string): unknown; isTTY?: boolean },
    sim.startMs,
    sim.endMs,
  );
  const mix: Record<string, number> = { inference: 0, access: 0, facility: 0 };
  let n = 0;
  try {
    sim.forEach((e) => {
      if (n >= max) return false;
      writer.write(e);
      mix[e.type] = (mix[e.type] ?? 0) + 1;
      if ((++n & 0xffff) === 0) progress.update(e.ts, n);
      return true;
    });
  } finally {
    writer.close();
  }
  progress.done();
  writeFileSync(join(dir, 'labels.json'), `${JSON.stringify(sim.labels, null, 2)}\n`);
  writeFileSync(join(dir, 'world.json'), `${JSON.stringify(worldSummary(sim), null, 2)}\n`);
  return mix;
}

interface KafkaPacing {
  rate: number;
  realtime: boolean;
  speedup: number;
  max: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Produces in batches per topic; each batch is acknowledged (acks=all) before the next. */
async function toKafka(
  sim: Simulation,
  publisher: Publisher,
  topics: Record<VigilEvent['type'], string>,
  pace: KafkaPacing,
  io: CommandIO,
): Promise<Record<string, number>> {
  const ser = new EventSerializer();
  const progress = new Progress(
    io.stderr as unknown as { write(t: string): unknown; isTTY?: boolean },
    sim.startMs,
    sim.endMs,
  );
  const mix: Record<string, number> = { inference: 0, access: 0, facility: 0 };
  const batch: Record<VigilEvent['type'], OutboundMessage[]> = { inference: [], access: [], facility: [] };
  const began = Date.now();
  let n = 0;
  let pending = 0;
  const flush = async (): Promise<void> => {
    await Promise.all(
      (Object.keys(batch) as VigilEvent['type'][]).map((t) =>
        publisher.publish(topics[t], batch[t].splice(0)),
      ),
    );
    pending = 0;
  };
  for (const e of sim.events) {
    if (n >= pace.max) break;
    const line = ser.line(e);
    batch[e.type].push({ key: partitionKey(e), value: line.slice(0, -1) });
    mix[e.type] = (mix[e.type] ?? 0) + 1;
    n++;
    pending++;
    // Wall time this event is due: by event time (--realtime) or by the rate cap.
    const due = pace.realtime
      ? began + (e.ts - sim.startMs) / pace.speedup
      : pace.rate > 0
        ? began + (n / pace.rate) * 1000
        : 0;
    const wait = due - Date.now();
    if (pending >= 2000 || wait > 50) {
      await flush();
      progress.update(e.ts, n);
      const left = due - Date.now();
      if (left > 0) await sleep(left);
    }
  }
  await flush();
  progress.update(sim.endMs, n, true);
  progress.done();
  return mix;
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'generate realistic telemetry with injected attacks and ground-truth labels',
  usage,
  async run(argv, io) {
    const { values: v } = parseCommandArgs(argv, OPTIONS);
    if (v.list === true) {
      io.stdout.write(listScenarios());
      return 0;
    }
    if ((v.out === undefined) === (v.kafka !== true))
      throw usageError('give exactly one of --out DIR or --kafka');
    const size = (v.size ?? 'small') as SizePreset;
    if (!['small', 'medium', 'large'].includes(size))
      throw usageError(`--size must be small, medium or large, got "${size}"`);
    const max = num(v['max-events'], '--max-events', Infinity, 1);
    let sim: Simulation;
    try {
      const requests = normaliseRequests(v.scenarios ?? 'all');
      applySets(requests, v.set ?? []);
      sim = simulate({
        seed: num(v.seed, '--seed', 1),
        start: v.start,
        days: num(v.days, '--days', 7),
        size,
        scenarios: requests,
      });
    } catch (err) {
      if (err instanceof ScenarioError) throw vigilError('VGL_ERR_CLI_USAGE', [err.message], { cause: err });
      throw err;
    }
    const began = performance.now();
    let mix: Record<string, number>;
    let where: string;
    if (v.out !== undefined) {
      mix = toFiles(sim, v.out, max, io);
      where = v.out;
    } else {
      // Loaded only for --kafka: a file simulation needs neither the config nor kafkajs.
      const { resolveConfig } = await import('../../../shared/config/index.ts');
      const { topicNames } = await import('../../../shared/runtime/context.ts');
      const { kafkaSecurityOptions } = await import('../../../shared/runtime/bus.ts');
      const { createKafkaBus } = await import('../../../shared/bus/kafka-bus.ts');
      const config = resolveConfig();
      const brokers = v.brokers?.split(',').map((b) => b.trim()) ?? config.kafkaBrokers;
      if (brokers === undefined || brokers.length === 0)
        throw usageError('--kafka needs brokers: set KAFKA_BROKERS or --brokers');
      const bus = createKafkaBus({
        brokers,
        clientId: 'vigil-simulate',
        topics: topicNames(config),
        partitions: config.topics.partitions,
        ...kafkaSecurityOptions(config),
      });
      try {
        await bus.ensureTopics();
        const pace = {
          rate: num(v.rate, '--rate', 5000),
          realtime: v.realtime === true,
          speedup: num(v.speedup, '--speedup', 1, 1e-6),
          max,
        };
        mix = await toKafka(sim, await bus.publisher(), bus.topics, pace, io);
      } finally {
        await bus.close();
      }
      where = `Kafka (${brokers.join(',')})`;
    }
    const secs = (performance.now() - began) / 1000;
    const total = (mix['inference'] ?? 0) + (mix['access'] ?? 0) + (mix['facility'] ?? 0);
    io.stdout.write(
      `simulate: ${total} events (inference ${mix['inference']}, access ${mix['access']}, facility ${mix['facility']}) ` +
        `and ${sim.labels.length} labels to ${where} in ${secs.toFixed(1)} s (${Math.round(total / secs)} events/s)\n`,
    );
    return 0;
  },
};
