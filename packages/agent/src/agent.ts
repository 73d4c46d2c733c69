import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { isAbsolute, join, relative } from 'node:path';
import {
  channelCredentials,
  readTlsMaterial,
  type AgentConfig,
  type Command,
  type FilesState,
  type HttpState,
  type Lease,
  type Logger,
  type MysqlState,
  type PhpFpmState,
  type Report,
  type WhmcsState,
} from '@whmcs-ha/shared';
import { CommandRunner, type Leadership } from './commands/command-runner.js';
import { syncFilesFrom } from './commands/file-sync.js';
import { FencingStore } from './commands/fencing-store.js';
import { MysqlCommands } from './commands/mysql-commands.js';
import { Manifest } from './files/manifest.js';
import { LeaseStore } from './lease-store.js';
import { AgentMetrics } from './metrics.js';
import { CoordinatorLink } from './link/coordinator-link.js';
import type { MysqlTarget } from './mysql-connection.js';
import { HttpProbe } from './probes/http-probe.js';
import { MysqlProbe } from './probes/mysql-probe.js';
import { PhpFpmProbe } from './probes/php-fpm-probe.js';
import { WhmcsProbe } from './probes/whmcs-probe.js';
import { readSecret } from './secret.js';

export const AGENT_VERSION = '0.1.0';

/** rsync of a whole WHMCS tree: generous, but bounded */
const SYNC_TIMEOUT_MS = 10 * 60_000;

/** The fields whose change is a health change and triggers a report at once. */
export function healthKey(r: Pick<Report, 'mysql' | 'phpFpm' | 'http' | 'files' | 'leaseEpoch' | 'highestEpoch'>): string {
  const m = r.mysql;
  return JSON.stringify([
    m ? [m.up, m.readOnly, m.superReadOnly, m.replica ? [m.replica.ioRunning, m.replica.sqlRunning, m.replica.lastIoErrno, m.replica.lastSqlErrno] : null] : null,
    r.phpFpm?.up ?? null,
    r.http?.up ?? null,
    r.files ? [r.files.rootDigest, r.files.ready, r.files.error] : null,
    r.leaseEpoch,
    r.highestEpoch,
  ]);
}

export interface AgentStats {
  reportsBuilt: number;
  immediateReports: number;
}

/**
 * The agent: probes on their own loops (a hung probe delays only itself),
 * a report of the latest results every reportIntervalMs and at once on a
 * health change, sent on every coordinator link without waiting on any;
 * commands and leases from the leader, fenced by term and epoch.
 */
export class Agent {
  readonly fencing: FencingStore;
  readonly leases: LeaseStore;
  readonly manifest: Manifest;
  readonly links: CoordinatorLink[];
  readonly runner: CommandRunner;
  readonly stats: AgentStats = { reportsBuilt: 0, immediateReports: 0 };
  private readonly mysqlProbe: MysqlProbe;
  private readonly mysqlCommands: MysqlCommands;
  private readonly fpmProbe: PhpFpmProbe;
  private readonly httpProbe: HttpProbe | undefined;
  private mysql: MysqlState | null = null;
  private phpFpm: PhpFpmState | null = null;
  private http: HttpState | null = null;
  private files: FilesState | null = null;
  private whmcs: WhmcsState | null = null;
  private readonly whmcsProbe: WhmcsProbe;
  private seq = 0;
  private lastKey = '';
  private reportTimer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  readonly metrics: AgentMetrics;
  private metricsServer: Server | undefined;
  /** the last report built, what /metrics shows */
  private last: Report | undefined;

  constructor(
    readonly cfg: AgentConfig,
    private readonly logger?: Logger,
  ) {
    mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });
    this.fencing = new FencingStore(cfg.dataDir);
    this.leases = new LeaseStore(cfg.dataDir);
    const target: MysqlTarget = {
      host: cfg.mysql.host,
      port: cfg.mysql.port,
      socket: cfg.mysql.socket,
      user: cfg.mysql.user,
      password: readSecret(cfg.mysql.password, 'mysql.password', cfg.source),
    };
    this.metrics = new AgentMetrics(cfg.node, () => this.last ?? this.buildReport());
    this.mysqlProbe = new MysqlProbe(target, cfg.mysql.timeoutMs);
    this.mysqlCommands = new MysqlCommands(target, cfg.mysql.timeoutMs);
    const fpm = cfg.phpFpm;
    const fpmTarget = fpm.socket ? { socket: fpm.socket } : hostPortTarget(fpm.address!);
    this.fpmProbe = new PhpFpmProbe({ target: fpmTarget, pingPath: fpm.pingPath, statusPath: fpm.statusPath, timeoutMs: fpm.timeoutMs });
    this.httpProbe = cfg.http ? new HttpProbe(cfg.http.url, cfg.http.timeoutMs) : undefined;
    this.whmcsProbe = new WhmcsProbe(cfg.files.root, cfg.effectiveExcludes);
    this.manifest = new Manifest({ root: cfg.files.root, excludes: manifestExcludes(cfg), debounceMs: cfg.files.debounceMs });
    this.manifest.on('change', (s) => {
      this.files = s;
      this.maybeReportNow();
    });
    this.runner = new CommandRunner({
      node: cfg.node,
      fencing: this.fencing,
      mysql: this.mysqlCommands,
      syncFiles: (c, id) => this.syncFiles(c.sourceUrl, c.expectedDigest, id),
      ...(logger ? { logger } : {}),
    });
    // mTLS with the cluster CA: our certificate must name this node; each coordinator must present its own name
    const material = cfg.tls ? readTlsMaterial(cfg.tls, { roles: ['agent'], name: cfg.node }, cfg.source) : null;
    this.links = cfg.coordinators.map((c) => {
      const link = new CoordinatorLink({
        id: c.id,
        address: c.address,
        credentials: channelCredentials(material, { name: c.id }),
        hello: () => ({ node: cfg.node, agentVersion: AGENT_VERSION, highestEpoch: this.fencing.highestEpoch }),
        ...(logger ? { logger } : {}),
      });
      link.on('welcome', (l) => this.onWelcome(l));
      link.on('command', (cmd, from) => void this.onCommand(cmd, from));
      link.on('lease', (lease, from) => this.onLease(lease, from));
      // a fresh stream gets the current state at once rather than up to one interval later
      link.on('connected', (up) => {
        if (up && link.sendReport(this.buildReport())) this.metrics.reportsSent.inc({ node: cfg.node, coordinator: link.id });
      });
      return link;
    });
  }

  async start(): Promise<void> {
    if (this.cfg.metrics) this.metricsServer = await this.metrics.serve(this.cfg.metrics.address);
    this.running = true;
    for (const l of this.links) l.start();
    this.loops.push(
      this.loop(async () => {
        this.mysql = await this.mysqlProbe.probe();
      }),
      this.loop(async () => {
        this.phpFpm = await this.fpmProbe.probe();
      }),
      this.loop(async () => {
        this.whmcs = await this.whmcsProbe.probe();
      }),
    );
    const http = this.httpProbe;
    if (http) this.loops.push(this.loop(async () => void (this.http = await http.probe())));
    this.reportTimer = setInterval(() => this.sendReport(), this.cfg.reportIntervalMs);
    // the first scan of a large tree takes a while; reports go out meanwhile with files.ready=false
    this.files = this.manifest.state();
    this.manifest.start().catch((e: unknown) => {
      this.logger?.error({ err: e }, 'file manifest failed');
      this.files = { ...this.manifest.state(), error: `manifest failed: ${(e as Error).message}` };
      this.maybeReportNow();
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.reportTimer);
    for (const w of this.wakers) w();
    for (const l of this.links) l.close();
    await Promise.all(this.loops);
    await this.manifest.close();
    this.metricsServer?.close();
    this.mysqlProbe.close();
    this.mysqlCommands.close();
  }

  /** The current report (also what goes on the wire). */
  buildReport(): Report {
    const lease = this.leases.lease;
    const mine = lease && lease.node === this.cfg.node;
    return {
      node: this.cfg.node,
      seq: ++this.seq,
      sentAtMs: Date.now(),
      highestEpoch: this.fencing.highestEpoch,
      mysql: this.mysql,
      phpFpm: this.phpFpm,
      http: this.http,
      files: this.files,
      installPath: this.cfg.files.root,
      leaseEpoch: mine ? lease.epoch : 0,
      leaseExpiresAtMs: mine ? lease.receivedAtMs + lease.durationMs : 0,
      whmcs: this.whmcs,
    };
  }

  private sendReport(): void {
    const r = this.buildReport();
    this.lastKey = healthKey(r);
    this.last = r;
    this.stats.reportsBuilt++;
    for (const l of this.links) if (l.sendReport(r)) this.metrics.reportsSent.inc({ node: this.cfg.node, coordinator: l.id });
  }

  private maybeReportNow(): void {
    if (!this.running) return;
    const key = healthKey({ mysql: this.mysql, phpFpm: this.phpFpm, http: this.http, files: this.files, ...this.leaseFields() });
    if (key === this.lastKey) return;
    this.stats.immediateReports++;
    this.sendReport();
  }

  private leaseFields(): { leaseEpoch: number; highestEpoch: number } {
    const lease = this.leases.lease;
    return { leaseEpoch: lease && lease.node === this.cfg.node ? lease.epoch : 0, highestEpoch: this.fencing.highestEpoch };
  }

  /** Runs `probe` every reportIntervalMs (measured start to start); a slow probe only delays its own next run. */
  private async loop(probe: () => Promise<void>): Promise<void> {
    while (this.running) {
      const t0 = Date.now();
      try {
        await probe();
      } catch (e) {
        this.logger?.error({ err: e }, 'probe failed');
      }
      this.maybeReportNow();
      const wait = Math.max(0, this.cfg.reportIntervalMs - (Date.now() - t0));
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          this.wakers.delete(done);
          resolve();
        };
        const t = setTimeout(done, wait);
        this.wakers.add(done);
      });
    }
  }

  private onWelcome(l: Leadership): void {
    try {
      this.fencing.raise(0, l.term);
    } catch (e) {
      this.logger?.error({ err: e }, 'cannot persist the highest term');
    }
  }

  private async onCommand(cmd: Command, from: CoordinatorLink): Promise<void> {
    let result;
    try {
      result = await this.runner.handle(cmd, from.leadership);
      from.sendResult(result);
    } catch (e) {
      // the stream went away mid-command: the leader retries by id and gets the cached result
      this.logger?.warn({ err: e, id: cmd.id }, 'could not send a command result');
      if (!result) return;
    }
    this.metrics.commands.inc({ node: this.cfg.node, kind: cmd.kind ?? '', outcome: result.ok ? 'ok' : result.error.startsWith('refused:') ? 'refused' : 'error' });
    this.maybeReportNow();
  }

  private onLease(lease: Lease, from: CoordinatorLink): void {
    const l = from.leadership;
    const f = this.fencing;
    if (!l?.leader || l.term !== lease.term || lease.term < f.highestTerm || lease.epoch < f.highestEpoch) {
      this.logger?.warn({ lease, from: from.id, leadership: l }, 'lease refused: not from the leader of the current term and epoch');
      return;
    }
    f.raise(lease.epoch, lease.term);
    this.leases.save({ ...lease, receivedAtMs: Date.now(), coordinatorId: from.id });
    this.maybeReportNow();
  }

  private async syncFiles(sourceUrl: string, expectedDigest: string, id: string): Promise<Record<string, unknown>> {
    const backupDir = backupDirOf(this.cfg);
    const out = await syncFilesFrom(sourceUrl, id, {
      root: this.cfg.files.root,
      excludes: this.cfg.effectiveExcludes,
      backupDir,
      timeoutMs: SYNC_TIMEOUT_MS,
    });
    // rescan rather than wait for inotify: the result must carry the digest of what is on disk now
    const st = await this.manifest.rescan();
    this.files = st;
    const matches = expectedDigest ? st.rootDigest === expectedDigest : undefined;
    if (matches === false) throw new Error(`digest after sync ${st.rootDigest} differs from the source's ${expectedDigest} (backup in ${out.backupDir})`);
    return { digest: st.rootDigest, fileCount: st.fileCount, backupDir: out.backupDir, rsyncMs: out.durationMs, ...(matches !== undefined ? { matches } : {}) };
  }
}

function hostPortTarget(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}

function backupDirOf(cfg: AgentConfig): string {
  return cfg.files.backupDir ?? join(cfg.dataDir, 'file-backups');
}

/** The configured excludes, plus the backup dir when it sits inside the tree (its copies are not part of the site). */
export function manifestExcludes(cfg: AgentConfig): string[] {
  const rel = relative(cfg.files.root, backupDirOf(cfg));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? [...cfg.effectiveExcludes, `/${rel}/`] : cfg.effectiveExcludes;
}
