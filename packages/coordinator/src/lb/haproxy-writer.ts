import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeDurably } from './durable-write.js';
import { haproxyCommand } from './haproxy-runtime.js';
import { LbApplyError, type LbApplyRequest, type LbApplyResult, type LbWriter } from './lb-writer.js';
import { runProgram } from './run-program.js';
import { verifyThroughLb } from './lb-verify.js';

export interface HaproxyWriterOptions {
  /** Runtime API socket (`stats socket PATH level admin` in the global section) */
  socket: string;
  backend: string;
  /** the haproxy.cfg holding the backend; its server lines are kept in step so a reload keeps the state */
  configFile: string;
  haproxyBinary?: string;
  verifyUrl?: string | undefined;
  verifyHeader?: string;
  verifyTimeoutMs?: number;
}

type AdminState = 'ready' | 'drain' | 'maint';

/**
 * Rewrites the `server NAME ...` lines of one backend so that servers not
 * meant to receive traffic carry `disabled` (HAProxy starts them in
 * maintenance), keeping every other token as the operator wrote it.
 */
export function renderBackendServers(config: string, backend: string, states: Record<string, AdminState>): string {
  const lines = config.split('\n');
  let inBackend = false;
  const seen = new Set<string>();
  const out = lines.map((line) => {
    const section = /^(global|defaults|frontend|backend|listen|resolvers|peers|userlist|program|http-errors|ring|mailers|cache)\b\s*(\S*)/.exec(line);
    if (section) inBackend = section[1] === 'backend' && section[2] === backend;
    if (!inBackend) return line;
    const m = /^(\s*server\s+)(\S+)(\s+.*)$/.exec(line);
    if (!m || !(m[2]! in states)) return line;
    seen.add(m[2]!);
    const tokens = m[3]!.split(/(\s+)/).filter((t) => t !== 'disabled' && t !== 'enabled');
    const rest = tokens.join('').replace(/\s+$/, '').replace(/\s{2,}/g, ' ');
    return `${m[1]}${m[2]}${rest}${states[m[2]!] === 'ready' ? '' : ' disabled'}`;
  });
  const missing = Object.keys(states).filter((s) => !seen.has(s));
  if (missing.length > 0) throw new LbApplyError('render', `backend ${backend} in the config has no server line for ${missing.join(', ')}`, false);
  return out.join('\n');
}

/**
 * DESIGN §7 for HAProxy: the Runtime API changes the live state at once
 * (`set server B/S state ready|maint`), and the config file is kept in step
 * (checked with `haproxy -c` on a staged copy, then renamed) so that a reload
 * keeps the state. On failure the previous states are put back.
 */
export class HaproxyWriter implements LbWriter {
  readonly kind = 'haproxy' as const;
  constructor(private readonly o: HaproxyWriterOptions) {}

  async currentStates(): Promise<Record<string, { admin: number; oper: number }>> {
    // `show servers state B`: version line, header line, then one row per server
    const text = await haproxyCommand(this.o.socket, `show servers state ${this.o.backend}`);
    const rows = text.split('\n').filter((l) => l && !l.startsWith('#') && !/^\d+$/.test(l.trim()));
    const out: Record<string, { admin: number; oper: number }> = {};
    for (const r of rows) {
      const f = r.trim().split(/\s+/);
      // be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state ...
      if (f.length > 6) out[f[3]!] = { oper: Number(f[5]), admin: Number(f[6]) };
    }
    return out;
  }

  async apply(req: LbApplyRequest): Promise<LbApplyResult> {
    const started = performance.now();
    const states: Record<string, AdminState> = Object.fromEntries(req.nodes.map((n) => [n.name, req.targets.includes(n.name) ? 'ready' : 'maint']));
    const previousConfig = readFileSync(this.o.configFile, 'utf8');
    const nextConfig = renderBackendServers(previousConfig, this.o.backend, states);
    const before = await this.currentStates().catch((e: Error) => {
      throw new LbApplyError('runtime-api', `cannot read the state of backend ${this.o.backend}: ${e.message}`, false);
    });
    const live = (name: string): AdminState => ((before[name]?.admin ?? 0) & 1 ? 'maint' : 'ready');
    const changedLive = req.nodes.some((n) => live(n.name) !== states[n.name]);
    if (!changedLive && nextConfig === previousConfig) return { changed: false, durationMs: performance.now() - started, verifiedBy: null };

    if (nextConfig !== previousConfig) await this.checkAndSwap(nextConfig);
    const restore = async (stage: 'runtime-api' | 'verify', why: string): Promise<never> => {
      writeDurably(this.o.configFile, previousConfig);
      for (const n of req.nodes) await this.setState(n.name, live(n.name)).catch(() => undefined);
      throw new LbApplyError(stage, why, true);
    };
    // ready first, then maint: never a moment with both nodes out when one stays in
    const order = [...req.nodes].sort((a, b) => Number(states[b.name] === 'ready') - Number(states[a.name] === 'ready'));
    for (const n of order) {
      try {
        await this.setState(n.name, states[n.name]!);
      } catch (e) {
        await restore('runtime-api', (e as Error).message);
      }
    }
    let verifiedBy: string | null = null;
    if (this.o.verifyUrl) {
      const v = await verifyThroughLb(this.o.verifyUrl, this.o.verifyHeader ?? 'x-whmcs-ha-node', req.targets, this.o.verifyTimeoutMs ?? 5000, req.superseded);
      if (v.superseded) return { changed: true, durationMs: performance.now() - started, verifiedBy: null, superseded: true };
      if (!v.ok) await restore('verify', v.why);
      verifiedBy = v.node;
    }
    return { changed: true, durationMs: performance.now() - started, verifiedBy };
  }

  private async setState(server: string, state: AdminState): Promise<void> {
    const answer = await haproxyCommand(this.o.socket, `set server ${this.o.backend}/${server} state ${state}`);
    if (answer !== '') throw new Error(`set server ${this.o.backend}/${server} state ${state}: ${answer}`);
  }

  private async checkAndSwap(text: string): Promise<void> {
    const staged = join(dirname(this.o.configFile), `.${basename(this.o.configFile)}.${process.pid}.staged`);
    writeFileSync(staged, text);
    try {
      const r = await runProgram(this.o.haproxyBinary ?? '/usr/sbin/haproxy', ['-c', '-q', '-f', staged]);
      if (r.code !== 0) throw new LbApplyError('test', (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | '), false);
      writeDurably(this.o.configFile, text);
    } finally {
      rmSync(staged, { force: true });
    }
  }
}
