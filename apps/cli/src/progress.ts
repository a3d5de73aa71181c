/**
 * Progress for long runs: a bar with rate and ETA on a terminal, a plain line every few seconds otherwise
 * (logs, CI).
 */
export class Progress {
  private readonly started = performance.now();
  private lastPlain = 0;

  constructor(
    private readonly label: string,
    private readonly unit: string,
    /** null: silent (tests, --quiet). */
    private readonly stream: NodeJS.WriteStream | null = process.stderr,
  ) {}

  update(done: number, total: number): void {
    if (this.stream === null) return;
    const elapsed = (performance.now() - this.started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
    const figures = `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${this.unit}  ${Math.round(rate).toLocaleString('en-US')} ${this.unit}/s  ETA ${eta.toFixed(0)} s`;
    if (this.stream.isTTY) {
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${figures}   `);
    } else if (elapsed - this.lastPlain >= 5 || done >= total) {
      this.lastPlain = elapsed;
      this.stream.write(`${this.label}: ${figures}\n`);
    }
  }

  done(): number {
    if (this.stream?.isTTY) this.stream.write('\n');
    return (performance.now() - this.started) / 1000;
  }
}
