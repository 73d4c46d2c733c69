import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * Old nginx workers keep accepting connections on the shared listen socket
 * until the master tells them to quit, a moment after it started the new
 * ones. A verification that happens to reach new workers three times can
 * pass while an old worker still answers with the old upstream. So after a
 * reload we wait until every worker that existed before it is gone or
 * "shutting down" (it then accepts nothing new).
 */

/** The master's pid from the `pid` directive of the main config (default /run/nginx.pid). */
export function nginxMasterPid(mainConfig: string, prefix: string | null): number | null {
  let pidFile = '/run/nginx.pid';
  try {
    const m = /^\s*pid\s+([^;\s]+)\s*;/m.exec(readFileSync(mainConfig, 'utf8'));
    if (m) pidFile = isAbsolute(m[1]!) ? m[1]! : join(prefix ?? '/usr/share/nginx', m[1]!);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Worker pids of a master that still accept connections (not "shutting down"). */
export function acceptingWorkers(master: number): Set<number> {
  const out = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // the ppid is the 2nd field after the parenthesised command name
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== master) continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes('worker process') && !cmd.includes('shutting down')) out.add(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Resolves true once none of `before` still accepts, false at the deadline. */
export async function oldWorkersRetired(master: number, before: Set<number>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = acceptingWorkers(master);
    if (![...before].some((p) => now.has(p))) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}
