import { request } from 'node:http';

export interface HttpCheck {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One GET on a fresh connection (no keep-alive agent): after an nginx reload
 * a pooled connection may still be served by an old worker with the old
 * upstream, which would make a verification lie.
 */
export function httpCheck(url: string, timeoutMs: number): Promise<HttpCheck> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
