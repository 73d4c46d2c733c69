import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { LbApplyError, type LbApplyRequest, type LbApplyResult, type LbWriter } from './lb-writer.js';
import { writeDurably } from './durable-write.js';
import { runProgram } from './run-program.js';
import { verifyThroughLb } from './lb-verify.js';
import { acceptingWorkers, nginxMasterPid, oldWorkersRetired } from './nginx-workers.js';

export interface NginxWriterOptions {
  upstreamFile: string;
  upstreamName: string;
  nginxBinary: string;
  /** the main nginx.conf; its directory is copied whole for the staged test */
  nginxConfig: string;
  /** extra arguments for every nginx invocation (e.g. -p PREFIX in the lab); -c is added by the writer */
  nginxArgs: string[];
  /** URL fetched through the LB after a reload to see which node answers */
  verifyUrl?: string | undefined;
  /** response header naming the node that answered */
  verifyHeader?: string;
  verifyTimeoutMs?: number;
}

/** Renders the managed upstream block. With no target every node is marked down, so nginx answers 502 rather than sending writes to a fenced node. */
export function renderUpstream(name: string, req: LbApplyRequest): string {
  const lines = [
    `# Managed by whmcs-ha at epoch ${req.epoch}: ${req.reason.replace(/\n/g, ' ')}`,
    '# Do not edit: the coordinator rewrites this file from committed cluster state.',
    `upstream ${name} {`,
  ];
  for (const n of req.nodes) {
    const on = req.targets.includes(n.name);
    lines.push(`    server ${n.upstream}${on ? '' : ' down'}; # ${n.name}`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * DESIGN §7: render -> stage -> `nginx -t` on a staged copy of the whole
 * configuration -> atomic rename -> reload -> verify through the LB -> on any
 * failure restore the previous file and reload.
 */
export class NginxWriter implements LbWriter {
  readonly kind = 'nginx' as const;
  constructor(private readonly o: NginxWriterOptions) {}

  private async nginx(args: string[]) {
    return runProgram(this.o.nginxBinary, [...this.o.nginxArgs, ...args]);
  }

  /** Tests the configuration as it would be with `text` as the upstream file, without touching the live tree. */
  async testStaged(text: string): Promise<void> {
    const confDir = dirname(this.o.nginxConfig);
    const stage = mkdtempSync(join(tmpdir(), 'wha-nginx-stage-'));
    try {
      const stagedConf = join(stage, 'conf');
      cpSync(confDir, stagedConf, { recursive: true, dereference: true });
      const upstreamInConf = !relative(confDir, this.o.upstreamFile).startsWith('..');
      const stagedUpstream = upstreamInConf ? join(stagedConf, relative(confDir, this.o.upstreamFile)) : join(stage, 'upstream.conf');
      // Point every absolute reference at the copy so the test reads only staged files.
      for (const f of walk(stagedConf)) {
        if (statSync(f).size > 1024 * 1024) continue;
        const t = readFileSync(f, 'utf8');
        const u = t.split(this.o.upstreamFile).join(stagedUpstream).split(`${confDir}/`).join(`${stagedConf}/`);
        if (u !== t) writeFileSync(f, u);
      }
      writeFileSync(stagedUpstream, text);
      const r = await this.nginx(['-t', '-q', '-c', join(stagedConf, basename(this.o.nginxConfig))]);
      if (r.code !== 0) throw new LbApplyError('test', (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | '), false);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  }

  async apply(req: LbApplyRequest): Promise<LbApplyResult> {
    const started = performance.now();
    const text = renderUpstream(this.o.upstreamName, req);
    const previous = existsSync(this.o.upstreamFile) ? readFileSync(this.o.upstreamFile, 'utf8') : null;
    if (previous !== null && sameServers(previous, text)) {
      return { changed: false, durationMs: performance.now() - started, verifiedBy: null };
    }
    await this.testStaged(text);
    writeDurably(this.o.upstreamFile, text);
    // -c: signal the master that runs this configuration (its pid file is named there)
    const reloadArgs = ['-c', this.o.nginxConfig, '-s', 'reload'];
    const restore = async (stage: 'reload' | 'verify', why: string): Promise<never> => {
      if (previous !== null) writeDurably(this.o.upstreamFile, previous);
      const r = await this.nginx(reloadArgs);
      throw new LbApplyError(stage, why, previous !== null && r.code === 0);
    };
    const master = nginxMasterPid(this.o.nginxConfig, prefixOf(this.o.nginxArgs));
    const oldWorkers = master ? acceptingWorkers(master) : new Set<number>();
    const reload = await this.nginx(reloadArgs);
    if (reload.code !== 0) await restore('reload', reload.stderr.trim());
    if (master && !(await oldWorkersRetired(master, oldWorkers, this.o.verifyTimeoutMs ?? 5000))) {
      await restore('reload', `nginx workers of the old configuration were still accepting connections after the reload`);
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

}

/** The -p prefix among nginx arguments, which relative paths in the config are resolved against. */
function prefixOf(args: string[]): string | null {
  const i = args.indexOf('-p');
  return i >= 0 ? (args[i + 1] ?? null) : null;
}

/** Two renders differ only in their comment lines when the servers are the same: no reload then. */
function sameServers(a: string, b: string): boolean {
  const strip = (t: string) => t.split('\n').filter((l) => !l.startsWith('#')).join('\n');
  return strip(a) === strip(b);
}
