// Preloaded (--import) into each measured process: at exit, writes the process's own
// CPU time, peak RSS and the npm packages it loaded to file descriptor 3 as one JSON
// line. process.cpuUsage() counts from process start, so Node's own bootstrap before this
// file is included. Packages are read from the CommonJS cache, where every CommonJS
// package lands even when ESM imports it (kafkajs, @clickhouse/client, chdb, fastify).
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;

function packages() {
  const names = new Set();
  for (const file of Object.keys(cache)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (m !== null) names.add(m[1]);
  }
  return [...names].sort();
}

process.on('exit', () => {
  const cpu = process.cpuUsage();
  const usage = process.resourceUsage();
  const line = { cpu_us: cpu.user + cpu.system, max_rss_kib: usage.maxRSS, packages: packages() };
  try {
    writeSync(3, `${JSON.stringify(line)}\n`);
  } catch {
    // Not started with a descriptor 3.
  }
});
