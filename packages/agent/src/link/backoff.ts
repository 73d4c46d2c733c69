/**
 * Reconnect delays: exponential from `initialMs` to `maxMs` with full jitter
 * (a random delay in [d/2, d]), so agents that lost the same coordinator do
 * not all come back in the same millisecond.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs = 200,
    private readonly maxMs = 5000,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const d = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 20));
    this.attempt++;
    return Math.round(d / 2 + (this.random() * d) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }
}
