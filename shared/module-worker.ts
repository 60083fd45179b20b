/**
 * A worker thread running one of the project's modules, from the compiled build or from
 * the TypeScript sources alike. In dist/ the module's .js sits beside its caller; from the
 * sources (tests, development) the worker gets a bootstrap that registers tsx first, since
 * a worker does not inherit the parent's loader.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Starts `<name>.js` (compiled) or `<name>.ts` (sources) relative to the caller's `import.meta.url`. */
export function startModuleWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  if (callerUrl.endsWith('.js')) return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  const tsx = tsxEsmApi();
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const entry = pkg.exports['./esm/api']?.import?.default;
  if (entry === undefined) throw new Error('tsx has no ESM API export');
  return pathToFileURL(join(dirname(manifest), entry)).href;
}
