import { performance } from 'node:perf_hooks';
import type { PhpFpmState } from '@whmcs-ha/shared';
import { errorText } from '../mysql-connection.js';
import { fastcgiRequest, getParams, type FastcgiTarget } from './fastcgi-client.js';

export interface PhpFpmProbeOptions {
  target: FastcgiTarget;
  pingPath: string;
  statusPath: string;
  timeoutMs: number;
}

/** The pool counters of a PhpFpmState: what the status page says, not how the probe went. */
type PoolCounters = Omit<PhpFpmState, 'up' | 'latencyMs' | 'error' | 'pingPath' | 'statusPath' | 'pingOk' | 'statusOk'>;

/** Parses `pm.status_path?json`; the field names are PHP-FPM's (with spaces). */
export function parseFpmStatus(json: string): PoolCounters {
  const o = JSON.parse(json) as Record<string, unknown>;
  const n = (k: string) => {
    const v = Number(o[k]);
    return Number.isFinite(v) ? v : 0;
  };
  return {
    pool: typeof o.pool === 'string' ? o.pool : '',
    acceptedConn: n('accepted conn'),
    listenQueue: n('listen queue'),
    activeProcesses: n('active processes'),
    idleProcesses: n('idle processes'),
    totalProcesses: n('total processes'),
    maxChildrenReached: n('max children reached'),
    slowRequests: n('slow requests'),
  };
}

const EMPTY: PoolCounters = { pool: '', acceptedConn: 0, listenQueue: 0, activeProcesses: 0, idleProcesses: 0, totalProcesses: 0, maxChildrenReached: 0, slowRequests: 0 };

/**
 * PHP-FPM is up when ping.path answers 200 "pong" within the timeout; the
 * status page then adds the pool counters. Both requests share one deadline.
 */
export class PhpFpmProbe {
  constructor(private readonly opts: PhpFpmProbeOptions) {}

  async probe(): Promise<PhpFpmState> {
    const start = performance.now();
    const left = () => Math.max(1, this.opts.timeoutMs - (performance.now() - start));
    // `whmcs-hactl check` tells "pool down" from "pm.status_path / ping.path not set" by these
    const paths = { pingPath: this.opts.pingPath, statusPath: this.opts.statusPath };
    try {
      const ping = await fastcgiRequest(this.opts.target, getParams(this.opts.pingPath), left());
      if (ping.status !== 200) throw new Error(`ping ${this.opts.pingPath} answered ${ping.status}`);
      if (ping.body.trim() !== 'pong') throw new Error(`ping ${this.opts.pingPath} answered ${JSON.stringify(ping.body.slice(0, 40))}, not pong`);
      const latencyMs = performance.now() - start;
      const status = await fastcgiRequest(this.opts.target, getParams(this.opts.statusPath, 'json'), left());
      if (status.status !== 200) {
        return { up: true, latencyMs, error: `status ${this.opts.statusPath} answered ${status.status}`, ...EMPTY, ...paths, pingOk: true, statusOk: false };
      }
      return { up: true, latencyMs, error: '', ...parseFpmStatus(status.body), ...paths, pingOk: true, statusOk: true };
    } catch (e) {
      return { up: false, latencyMs: performance.now() - start, error: errorText(e), ...EMPTY, ...paths, pingOk: false, statusOk: false };
    }
  }
}
