import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import type { HttpState } from '@whmcs-ha/shared';
import { errorText } from '../mysql-connection.js';

/**
 * GETs the node's own vhost health page. Up means a 2xx answer within the
 * timeout; redirects are not followed (a health page that redirects is
 * misconfigured, and following could leave the node). No connection reuse,
 * so every probe exercises accept() like a real client.
 */
export class HttpProbe {
  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  probe(): Promise<HttpState> {
    const start = performance.now();
    return new Promise((resolve) => {
      let done = false;
      const finish = (s: HttpState) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.destroy();
        resolve(s);
      };
      const u = new URL(this.url);
      const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { method: 'GET', agent: false, headers: { 'user-agent': 'whmcs-ha-agent' } }, (res) => {
        const status = res.statusCode ?? 0;
        // drain the body (bounded by the same timer) so the server sees a complete exchange
        res.on('data', () => undefined);
        res.on('end', () => {
          const ok = status >= 200 && status < 300;
          finish({ up: ok, status, latencyMs: performance.now() - start, error: ok ? '' : `HTTP ${status}` });
        });
        res.on('error', (e) => finish({ up: false, status, latencyMs: performance.now() - start, error: errorText(e) }));
      });
      const timer = setTimeout(
        () => finish({ up: false, status: 0, latencyMs: performance.now() - start, error: `timed out after ${this.timeoutMs} ms` }),
        this.timeoutMs,
      );
      req.on('error', (e) => finish({ up: false, status: 0, latencyMs: performance.now() - start, error: errorText(e) }));
      req.end();
    });
  }
}
