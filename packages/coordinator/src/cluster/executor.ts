import { randomUUID } from 'node:crypto';
import { gtidSubtract, parseGtidSet, type Command, type CommandKind, type CommandResult, type Logger } from '@whmcs-ha/shared';
import { encodeEntry, type ClusterState, type Entry, type Operation } from '../engine/cluster-state.js';
import type { Decision } from '../engine/decision.js';
import { proposalFor } from '../engine/proposal.js';
import type { AgentPort, Consensus } from './ports.js';
import { runHooks, type HookConfig } from './hooks.js';

export interface ExecutorOptions {
  consensus: Pick<Consensus, 'propose' | 'status'>;
  agents: AgentPort;
  logger: Logger;
  /** rsync source URL of each node, for sync orders */
  rsyncUrls: Record<string, string | undefined>;
  hooks: HookConfig;
  commandTimeoutMs: number;
  /** how long a failover waits for the old active to turn read-only before relying on the LB and its lease */
  failoverFenceTimeoutMs?: number;
  catchUpTimeoutMs: number;
  syncTimeoutMs: number;
  /** the committed operation now (it moves on as step completions are applied) */
  currentOperation: () => Operation | null;
  /** resolves when this coordinator's own LB shows the given targets (or at once without an LB) */
  waitForLb: (targets: string[], timeoutMs: number) => Promise<boolean>;
  now?: () => number;
}

export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(readonly node: string, readonly kind: CommandKind, message: string) {
    super(`${kind} on ${node}: ${message}`);
  }
}

/**
 * Carries decisions out. Intent is committed before acting; each step's
 * completion is committed after acting, so a new leader redoes at most the
 * current step, and every step is idempotent (DESIGN §6).
 */
export class Executor {
  private inFlight = new Set<string>();
  /** operations whose steps are being run (by the decision that began one, or by a 'continue') */
  private running = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly o: ExecutorOptions) {
    this.now = o.now ?? Date.now;
  }

  busy(): string[] {
    return [...this.inFlight];
  }

  private async propose(e: Entry): Promise<void> {
    await this.o.consensus.propose(encodeEntry(e));
  }

  async command(node: string, epoch: number, kind: CommandKind, body: Partial<Command> = {}, timeoutMs = this.o.commandTimeoutMs): Promise<CommandResult> {
    const cmd: Command = {
      id: randomUUID(),
      term: this.o.consensus.status().term,
      epoch,
      node,
      kind,
      [kind]: {},
      ...body,
    };
    const res = await this.o.agents.sendCommand(node, cmd, timeoutMs);
    if (!res.ok) throw new CommandFailed(node, kind, res.error || 'failed');
    return res;
  }

  /** Starts a decision unless the same work is already running; never throws. */
  execute(d: Decision, state: ClusterState): void {
    const key = keyOf(d);
    if (key === null || this.inFlight.has(key)) return;
    this.inFlight.add(key);
    this.run(d, state)
      .catch((err: unknown) => this.o.logger.warn({ decision: d, err: (err as Error).message }, 'decision failed'))
      .finally(() => this.inFlight.delete(key));
  }

  private async run(d: Decision, state: ClusterState): Promise<void> {
    const entry = proposalFor(d, this.now(), randomUUID);
    switch (d.kind) {
      case 'none':
        return;
      case 'init':
      case 'exclude':
      case 'file-source':
      case 'serve':
      case 'drain':
        await this.propose(entry!);
        return;
      case 'failover':
      case 'switchover':
        if (d.kind === 'failover') {
          const veto = await runHooks(this.o.hooks.preFailover, { old: d.from, new: d.to, epoch: state.epoch + 1, reason: d.reason }, this.o.logger);
          if (!veto.ok) {
            this.o.logger.error({ hook: veto }, 'pre-failover hook vetoed the failover; pausing automation');
            await this.propose({ type: 'pause', at: this.now(), on: true, reason: `pre-failover hook vetoed failover to ${d.to}: ${veto.message}` });
            return;
          }
        }
        await this.propose(entry!);
        // the intent is committed: start the first step now rather than at the next cycle
        await this.runOperation((entry as { id: string }).id);
        return;
      case 'continue':
        await this.runOperation(d.opId);
        return;
      case 'fence':
        await this.command(d.node, d.epoch, 'setReadOnly');
        return;
      case 'make-writable':
        await this.command(d.node, d.epoch, 'setWritable');
        return;
      case 'rejoin':
        // the returning node replicates from the active again, and the active from it (two-way, as before the failover)
        await this.command(d.node, state.epoch, 'startReplica');
        await this.command(d.active, state.epoch, 'startReplica');
        await this.propose({ type: 'rejoin', at: this.now(), node: d.node });
        return;
      case 'sync-files': {
        if (entry) await this.propose(entry);
        await this.sync(d.target, d.source, d.digest, state.epoch, d.orderId ?? (entry as { id: string }).id);
        return;
      }
    }
  }

  /**
   * Runs an operation's steps back to back: each completion is committed before the next starts, and
   * the next cycle would only find the same operation one step further on. One runner per operation.
   */
  private async runOperation(opId: string): Promise<void> {
    const key = `op:${opId}`;
    if (this.running.has(key)) return;
    this.running.add(key);
    try {
      let op = this.o.currentOperation();
      for (let i = 0; op && op.id === opId && i < 10; i++) {
        const before = op.step;
        await this.step(op);
        op = this.o.currentOperation();
        if (op && op.id === opId && op.step === before) return; // failed; the next cycle retries it
      }
    } finally {
      this.running.delete(key);
    }
  }

  async sync(target: string, source: string, digest: string, epoch: number, id: string): Promise<void> {
    const url = this.o.rsyncUrls[source];
    let ok = false;
    let error = '';
    try {
      if (!url) throw new Error(`nodes[].rsyncUrl is not set for ${source}`);
      await this.command(target, epoch, 'syncFilesFrom', { syncFilesFrom: { sourceNode: source, sourceUrl: url, expectedDigest: digest } }, this.o.syncTimeoutMs);
      ok = true;
    } catch (e) {
      error = (e as Error).message;
    }
    await this.propose({ type: 'sync-done', at: this.now(), id, target, ok, error });
  }

  /** Runs the operation's current step and commits its completion (or aborts). */
  async step(op: Operation): Promise<void> {
    const done = (extra: Partial<Extract<Entry, { type: 'op-step-done' }>> = {}) =>
      this.propose({ type: 'op-step-done', at: this.now(), id: op.id, step: op.step, ...extra });
    const abort = async (reason: string, pause: boolean) => {
      await this.propose({ type: 'op-abort', at: this.now(), id: op.id, reason, pause });
    };
    try {
      switch (op.step) {
        case 'fence': {
          if (!op.from) return await done({ note: 'no old active to fence' });
          try {
            const timeout = op.kind === 'failover' ? (this.o.failoverFenceTimeoutMs ?? this.o.commandTimeoutMs) : this.o.commandTimeoutMs;
            await this.command(op.from, op.epoch, 'setReadOnly', {}, timeout);
          } catch (e) {
            if (op.kind === 'switchover') return await abort(`could not make ${op.from} read-only: ${(e as Error).message}`, false);
            // A dead old active cannot be reached; the LB no longer sends it traffic and its cron lease lapses.
            return await done({ note: `${op.from} unreachable (${(e as Error).message}); fenced by the LB and its lease` });
          }
          const gtid = this.o.agents.latest(op.from)?.report.mysql?.gtidExecuted ?? null;
          return await done({ fencedGtid: await this.freshGtid(op.from, gtid), note: `${op.from} is read-only` });
        }
        case 'catch-up': {
          const wanted = op.kind === 'switchover' ? op.fencedGtid : (this.o.agents.latest(op.to)?.report.mysql?.gtidRetrieved ?? '');
          // Wait only for what the target lacks: MariaDB's MASTER_GTID_WAIT compares with gtid_slave_pos,
          // which never advances in the target's own domain.
          const target = missingOn(wanted ?? '', this.o.agents.latest(op.to)?.report.mysql?.gtidExecuted ?? '');
          if (!target) return await done({ note: `${op.to} already has every transaction of ${op.from ?? 'the old active'}` });
          try {
            await this.command(op.to, op.epoch, 'waitForGtid', { waitForGtid: { gtidSet: target, timeoutMs: this.o.catchUpTimeoutMs } }, this.o.catchUpTimeoutMs + this.o.commandTimeoutMs);
          } catch (e) {
            if (op.kind === 'switchover') {
              // nobody became writable: give the role back to the old active
              await this.command(op.from!, op.epoch, 'setWritable').catch(() => undefined);
              return await abort(`${op.to} did not catch up: ${(e as Error).message}`, false);
            }
            if (!op.force) return await abort(`${op.to} did not apply its relay log: ${(e as Error).message}`, true);
          }
          return await done({ note: `${op.to} has applied ${target}` });
        }
        case 'detach':
          // so transactions only the failed active has cannot flow into the new one when it returns
          await this.command(op.to, op.epoch, 'stopReplica', { stopReplica: { disconnectReplicas: true } });
          return await done({ note: `${op.to} stopped replicating from ${op.from ?? 'the old active'}` });
        case 'promote':
          try {
            await this.command(op.to, op.epoch, 'setWritable');
          } catch (e) {
            if (op.kind === 'switchover' && op.from) await this.command(op.from, op.epoch, 'setWritable').catch(() => undefined);
            return await abort(`could not make ${op.to} writable: ${(e as Error).message}`, op.kind === 'failover');
          }
          return await done({ note: `${op.to} is writable at epoch ${op.epoch}` });
        case 'switch-lb': {
          const ok = await this.o.waitForLb([op.to], 15_000);
          await done({ note: ok ? `the LB sends traffic to ${op.to}` : `the local LB did not confirm ${op.to} in 15 s` });
          if (op.kind === 'failover') {
            await runHooks(this.o.hooks.postFailover, { old: op.from ?? '', new: op.to, epoch: op.epoch, reason: op.reason }, this.o.logger);
          }
          return;
        }
      }
    } catch (e) {
      this.o.logger.warn({ op: op.id, step: op.step, err: (e as Error).message }, 'operation step failed; it will be retried');
    }
  }

  /** The old active's GTID set after fencing, from a report sent after the fence took effect. */
  private async freshGtid(node: string, fallback: string | null): Promise<string | null> {
    const since = this.now();
    for (let i = 0; i < 40; i++) {
      const l = this.o.agents.latest(node);
      if (l && l.receivedAt >= since && l.report.mysql?.readOnly) return l.report.mysql.gtidExecuted;
      await new Promise((r) => setTimeout(r, 50));
    }
    return fallback;
  }
}

/** The GTIDs of `wanted` that `executed` lacks, as a set to wait for; '' when none (or unparsable). */
export function missingOn(wanted: string, executed: string): string {
  if (!wanted.trim()) return '';
  try {
    const w = parseGtidSet(wanted);
    return gtidSubtract(w, parseGtidSet(executed, w.flavour)).text;
  } catch {
    return wanted;
  }
}

function keyOf(d: Decision): string | null {
  switch (d.kind) {
    case 'none':
      return null;
    case 'continue':
      return `op:${d.opId}`;
    case 'failover':
    case 'switchover':
    case 'init':
      return 'op-begin';
    case 'fence':
    case 'make-writable':
      return `rw:${d.node}`;
    case 'sync-files':
      return `sync:${d.target}`;
    case 'rejoin':
    case 'exclude':
      return `member:${d.node}`;
    case 'file-source':
      return 'file-source';
    case 'serve':
    case 'drain':
      return `serving:${d.node}`;
  }
}
