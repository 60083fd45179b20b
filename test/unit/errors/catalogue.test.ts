import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, VigilError, isRetriable, vigilError } from '../../../shared/errors.ts';
import { renderErrorDocs } from '../../../scripts/gen-error-docs.ts';

describe('error catalogue', () => {
  it('uses VGL_ERR_<AREA>_<WHAT> codes whose key is the code', () => {
    for (const code of Object.keys(ERRORS)) {
      expect(code).toMatch(/^VGL_ERR_[A-Z]+_[A-Z_]+$/);
      expect(new VigilError(code as keyof typeof ERRORS).code).toBe(code);
    }
  });

  it('is documented: docs/errors.md is generated from the catalogue and up to date', () => {
    const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    expect(docs).toBe(renderErrorDocs());
    for (const code of Object.keys(ERRORS)) expect(docs).toContain(`\`${code}\``);
  });

  it('formats arguments, keeps the cause and exposes retriable', () => {
    const cause = new Error('ECONNREFUSED');
    const err = vigilError('VGL_ERR_BUS_CONNECT', ['127.0.0.1:9092', 'refused'], {
      cause,
      context: { n: 1 },
    });
    expect(err.message).toBe(
      'Cannot reach Kafka at 127.0.0.1:9092: refused. Check KAFKA_BROKERS, that the brokers are up, and the TLS and SASL settings (KAFKA_SSL_*, KAFKA_SASL_*).',
    );
    expect(err.cause).toBe(cause);
    expect(err.context).toEqual({ n: 1 });
    expect(isRetriable(err)).toBe(true);
    expect(isRetriable(vigilError('VGL_ERR_CONFIG_INVALID', ['x']))).toBe(false);
    expect(isRetriable(new Error('retriable'))).toBe(false);
  });
});
