import { httpCheck } from '../lb/http-check.js';

export interface ProbeResult {
  up: boolean;
  at: number;
  error: string;
}

/**
 * The coordinator's own HTTP probe of every node's health URL: the second
 * opinion of holistic detection. Probes run concurrently with a timeout, so
 * one hung node never delays the others.
 */
export class NodeProber {
  private results = new Map<string, ProbeResult>();
  private timer: NodeJS.Timeout | null = null;
  private running = new Set<string>();

  constructor(
    private readonly urls: Record<string, string | undefined>,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get(node: string): ProbeResult | null {
    return this.urls[node] ? (this.results.get(node) ?? null) : null;
  }

  private tick(): void {
    for (const [node, url] of Object.entries(this.urls)) {
      if (!url || this.running.has(node)) continue;
      this.running.add(node);
      httpCheck(url, this.timeoutMs)
        .then((r) => this.results.set(node, { up: r.status >= 200 && r.status < 400, at: Date.now(), error: r.status >= 400 ? `HTTP ${r.status}` : '' }))
        .catch((e: Error) => this.results.set(node, { up: false, at: Date.now(), error: e.message }))
        .finally(() => this.running.delete(node));
    }
  }
}
