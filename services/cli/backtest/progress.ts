/**
 * The backtest's progress bar: redrawn on stderr when it is a terminal (at most 5 times a
 * second), silent otherwise, so `--json` output piped to a file or a CI log stays clean.
 */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class BacktestProgress {
  private last = 0;
  private drawn = false;
  private readonly began = Date.now();

  constructor(private readonly out: ProgressSink) {}

  update(fraction: number): void {
    if (this.out.isTTY !== true) return;
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    const width = 30;
    const fill = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    const secs = ((now - this.began) / 1000).toFixed(0);
    this.out.write(
      `\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(fraction * 100).toFixed(1).padStart(5)}% ${secs}s `,
    );
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
  }
}
