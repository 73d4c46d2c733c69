/** One small interface for every load-balancer backend (nginx, HAProxy), one file each. */

export interface LbNode {
  name: string;
  /** host:port the LB proxies to */
  upstream: string;
}

export interface LbApplyRequest {
  nodes: LbNode[];
  /** names that should receive traffic; empty means none (mid-failover) */
  targets: string[];
  epoch: number;
  reason: string;
  /**
   * True once a newer committed state is waiting: verification of this one stops there (the LB is
   * rewritten at once; verifying the old targets, a frozen node say, would hold the newer state back
   * for the whole verify timeout).
   */
  superseded?: () => boolean;
}

export interface LbApplyResult {
  changed: boolean;
  durationMs: number;
  /** node that answered the verification request through the LB, if verified */
  verifiedBy: string | null;
  /** verification was cut short by a newer state (the file and reload were done) */
  superseded?: boolean;
}

export interface LbWriter {
  readonly kind: 'nginx' | 'haproxy';
  apply(req: LbApplyRequest): Promise<LbApplyResult>;
}

export class LbApplyError extends Error {
  override readonly name = 'LbApplyError';
  constructor(
    readonly stage: 'render' | 'test' | 'swap' | 'reload' | 'verify' | 'runtime-api',
    message: string,
    readonly restored: boolean,
  ) {
    super(`${stage}: ${message}${restored ? ' (previous configuration restored)' : ''}`);
  }
}
