/**
 * Progress reporting for long simulations: a redrawn bar on a terminal, a plain line
 * every few seconds otherwise (CI logs, files). Progress is measured in simulated time,
 * so no event count is needed up front.
 */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class Progress {
  private lastDraw = 0;
  private readonly began = Date.now();

  constructor(
    private readonly out: ProgressSink,
    private readonly startMs: number,
    private readonly endMs: number,
    private readonly plainEveryMs = 5000,
  ) {}

  /** Reports `events` sent up to simulated time `simMs`; cheap to call often. */
  update(simMs: number, events: number, force = false): void {
    const now = Date.now();
    const tty = this.out.isTTY === true;
    if (!force && now - this.lastDraw < (tty ? 200 : this.plainEveryMs)) return;
    this.lastDraw = now;
    const frac = Math.max(0, Math.min(1, (simMs - this.startMs) / (this.endMs - this.startMs)));
    const secs = Math.max(0.001, (now - this.began) / 1000);
    const rate = Math.round(events / secs);
    const pct = `${(frac * 100).toFixed(1)}%`;
    const at = new Date(Math.min(simMs, this.endMs)).toISOString().slice(0, 19);
    if (tty) {
      const width = 30;
      const fill = Math.round(frac * width);
      this.out.write(
        `\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct.padStart(6)} ${at}Z ${events} events ${rate}/s `,
      );
    } else {
      this.out.write(`simulate: ${pct} sim time ${at}Z, ${events} events, ${rate} events/s\n`);
    }
  }

  done(): void {
    if (this.out.isTTY === true) this.out.write('\n');
  }
}
