/** Writes docs/errors.md from the error catalogue (shared/errors.ts). Run: npm run docs:errors */
import { writeFileSync } from 'node:fs';
import { ERRORS, type ErrorSpec } from '../shared/errors.ts';

export function renderErrorDocs(): string {
  const rows = Object.entries(ERRORS).map(([code, spec]: [string, ErrorSpec]) => {
    const message = spec.message.replace(/%s/g, '…').replace(/\|/g, '\\|');
    return `| \`${code}\` | ${spec.retriable ? 'yes' : 'no'} | ${spec.httpStatus ?? '—'} | ${message} |`;
  });
  return [
    '# Error codes',
    '',
    'Every error Vigil raises carries one of these stable codes (never reused). `retriable`',
    'says whether trying the same thing again can succeed; HTTP status applies to the API.',
    'This file is generated from `shared/errors.ts` by `npm run docs:errors`.',
    '',
    '| code | retriable | HTTP | message |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorDocs());
}
