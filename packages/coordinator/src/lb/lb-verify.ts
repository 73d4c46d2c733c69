import { httpCheck } from './http-check.js';

export interface VerifyOutcome {
  ok: boolean;
  node: string | null;
  why: string;
  /** stopped because a newer state is waiting: neither success nor failure */
  superseded?: boolean;
}

/**
 * Polls the LB on fresh connections until it answers as intended three
 * times in a row: from one of `targets` (named in `header`), or, with no
 * target, with a 5xx and no node. Old workers of a reloaded nginx, or
 * connections HAProxy had already balanced, can answer the old way briefly.
 */
export async function verifyThroughLb(url: string, header: string, targets: string[], timeoutMs: number, superseded: () => boolean = () => false): Promise<VerifyOutcome> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  let streak = 0;
  while (Date.now() < deadline) {
    if (superseded()) return { ok: false, node: null, why: 'a newer state is waiting', superseded: true };
    try {
      const res = await httpCheck(url, Math.min(1000, Math.max(100, deadline - Date.now())));
      const raw = res.headers[header];
      const node = Array.isArray(raw) ? (raw[0] ?? null) : (raw ?? null);
      const good = targets.length === 0 ? res.status >= 500 && !node : node !== null && targets.includes(node);
      if (good) {
        streak += 1;
        if (streak >= 3) return { ok: true, node, why: '' };
        continue;
      }
      streak = 0;
      last =
        targets.length === 0
          ? `expected no backend, got ${res.status} from ${node ?? 'unknown'}`
          : `got ${res.status} from ${node ?? `a response without the ${header} header`}, expected ${targets.join(' or ')}`;
    } catch (e) {
      streak = 0;
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ok: false, node: null, why: `verification through ${url} failed: ${last}` };
}
