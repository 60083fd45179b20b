/** The machine a benchmark ran on, recorded beside its numbers. */
import os from 'node:os';

export function machine(): Record<string, string | number> {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

/** Runs `fn(n)` until it has taken ≥ `minMs`, doubling n; returns operations per second. */
export function opsPerSecond(fn: (n: number) => number, minMs = 300): { opsPerSec: number; check: number } {
  let n = 1000;
  fn(n); // warm-up: let the JIT see the hot path
  for (;;) {
    const t0 = process.hrtime.bigint();
    const check = fn(n);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!Number.isFinite(check)) throw new Error('benchmark result not finite: the work was not checked');
    if (ms >= minMs) return { opsPerSec: Math.round((n / ms) * 1000), check };
    n *= 2;
  }
}
