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

/**
 * Runs `fn(n)` until it has taken ≥ `minMs`, doubling n; returns operations per second of
 * wall-clock time and of this process's CPU time. On a shared machine the CPU-time figure
 * is the steadier one: other processes stretch the wall clock, not our CPU time.
 */
export function opsPerSecond(
  fn: (n: number) => number,
  minMs = 300,
): { opsPerSec: number; cpuOpsPerSec: number; check: number } {
  let n = 1000;
  fn(n); // warm-up: let the JIT see the hot path
  for (;;) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const check = fn(n);
    const cpu = process.cpuUsage(c0);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!Number.isFinite(check)) throw new Error('benchmark result not finite: the work was not checked');
    if (ms >= minMs) {
      const cpuMs = (cpu.user + cpu.system) / 1000;
      return { opsPerSec: Math.round((n / ms) * 1000), cpuOpsPerSec: Math.round((n / cpuMs) * 1000), check };
    }
    n *= 2;
  }
}
