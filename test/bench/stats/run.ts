/**
 * `npm run bench:stats`: runs each stats benchmark in its own process (so one cannot
 * warm or pollute the JIT for another) and prints their JSON as one array.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const results = ['primitives.bench.ts', 'detector.bench.ts'].map((file) => {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', `${here}${file}`], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as unknown;
});
console.log(JSON.stringify(results, null, 2));
