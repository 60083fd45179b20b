/** Vigil's own name and version as SIEM formats state them (the package version). */
import { readFileSync } from 'node:fs';

export const VIGIL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
