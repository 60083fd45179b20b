#!/usr/bin/env node
// The `vigil` bin. Sources are TypeScript; tsx compiles them on load (cached), so the
// command works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../services/cli/main.ts');
const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
// Exit explicitly: a drained `vigil run` may leave idle sockets or timers behind.
process.exit(code);
