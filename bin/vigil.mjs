#!/usr/bin/env node
// The `vigil` bin. It runs the compiled build in dist/, which `npm ci` makes through the
// package's `prepare` script (or `npm run build`): plain JavaScript starts in a fraction of
// the time tsx needs to compile the sources (issue 18).
//
// Without dist/ (a checkout installed with --ignore-scripts, or dist deleted) it falls back
// to the TypeScript sources through tsx when tsx is installed, i.e. in a development
// checkout; an install without dev dependencies stops with the fix instead. A dist/ older
// than the sources is not detected here: `npm run build` is incremental, and the test
// scripts run it first.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const built = new URL('../dist/services/cli/main.js', import.meta.url);
let entry = built.href;
if (!existsSync(built)) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    // The message and code are those of VGL_ERR_CLI_NOT_BUILT in shared/errors.ts (the
    // catalogue itself is part of the build that is missing).
    process.stderr.write(
      'vigil: the compiled build (dist/) is missing and tsx is not installed; run "npm run build" ' +
        'in the checkout (needs the dev dependencies), or reinstall with "npm ci". [VGL_ERR_CLI_NOT_BUILT]\n',
    );
    process.exit(1);
  }
  register();
  entry = new URL('../services/cli/main.ts', import.meta.url).href;
}
const { main } = await import(entry);
const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
// Exit explicitly: a drained `vigil run` may leave idle sockets or timers behind.
process.exit(code);
