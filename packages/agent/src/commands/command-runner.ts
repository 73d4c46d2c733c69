import { performance } from 'node:perf_hooks';
import type { Command, CommandResult, Logger } from '@whmcs-ha/shared';
import { errorText } from '../mysql-connection.js';
import type { FencingStore } from './fencing-store.js';
import type { Detail, MysqlCommands } from './mysql-commands.js';
import { ResultCache } from './result-cache.js';

export interface Leadership {
  coordinatorId: string;
  leader: boolean;
  term: number;
}

export interface CommandRunnerDeps {
  node: string;
  fencing: FencingStore;
  mysql: Pick<MysqlCommands, 'setReadOnly' | 'setWritable' | 'stopReplica' | 'startReplica' | 'waitForGtid'>;
  /** runs rsync and returns the detail (digest after sync); throws on failure */
  syncFiles: (cmd: NonNullable<Command['syncFilesFrom']>, id: string) => Promise<Detail>;
  logger?: Logger;
  cacheSize?: number;
}

/**
 * Fences, de-duplicates and runs the leader's commands (DESIGN §4.2).
 * A command runs only when
 *  - it is addressed to this node,
 *  - the coordinator that sent it said (Welcome) it leads, for the same term
 *    as the command, and that term is >= the highest term this agent has seen,
 *  - its epoch is >= the highest epoch this agent has seen (persisted, so
 *    this survives restarts; a newer epoch is persisted before running).
 * A refusal is an error result (ok=false, "refused: ..."), never a silent drop.
 * A repeated id is answered from the cache, without running again.
 */
export class CommandRunner {
  private readonly cache: ResultCache;
  commandsRun = 0;
  commandsRefused = 0;

  constructor(private readonly deps: CommandRunnerDeps) {
    this.cache = new ResultCache(deps.cacheSize ?? 256);
  }

  /** Why `cmd` may not run, or undefined when it may. */
  refusal(cmd: Command, from: Leadership | null): string | undefined {
    const f = this.deps.fencing;
    if (cmd.node !== this.deps.node) return `command for ${cmd.node} sent to ${this.deps.node}`;
    if (!from || !from.leader) return `coordinator ${from?.coordinatorId ?? '?'} does not claim leadership`;
    if (from.term !== cmd.term) return `command term ${cmd.term} differs from the term ${from.term} its coordinator leads`;
    if (cmd.term < f.highestTerm) return `term ${cmd.term} is older than the highest term seen (${f.highestTerm})`;
    if (cmd.epoch < f.highestEpoch) return `epoch ${cmd.epoch} is older than the highest epoch seen (${f.highestEpoch})`;
    return undefined;
  }

  async handle(cmd: Command, from: Leadership | null): Promise<CommandResult> {
    const cached = this.cache.get(cmd.id);
    if (cached) return cached;
    const start = performance.now();
    const why = this.refusal(cmd, from);
    if (why) {
      this.commandsRefused++;
      this.deps.logger?.warn({ id: cmd.id, kind: cmd.kind, epoch: cmd.epoch, term: cmd.term, why }, 'command refused');
      return this.result(cmd, false, `refused: ${why}`, start, {});
    }
    const run = (async () => {
      try {
        // persisted before acting: after a crash mid-command the agent still knows the newer epoch
        this.deps.fencing.raise(cmd.epoch, cmd.term);
        const detail = await this.execute(cmd);
        this.commandsRun++;
        return this.result(cmd, true, '', start, detail);
      } catch (e) {
        this.commandsRun++;
        return this.result(cmd, false, errorText(e), start, {});
      }
    })();
    this.cache.set(cmd.id, run);
    const r = await run;
    this.deps.logger?.info({ id: cmd.id, kind: cmd.kind, epoch: cmd.epoch, ok: r.ok, error: r.error, durationMs: r.durationMs }, 'command done');
    return r;
  }

  private execute(cmd: Command): Promise<Detail> {
    const m = this.deps.mysql;
    switch (cmd.kind) {
      case 'setReadOnly':
        return m.setReadOnly();
      case 'setWritable':
        return m.setWritable();
      case 'stopReplica':
        return m.stopReplica(cmd.stopReplica?.disconnectReplicas === true);
      case 'startReplica':
        return m.startReplica();
      case 'waitForGtid':
        return m.waitForGtid(cmd.waitForGtid!.gtidSet, cmd.waitForGtid!.timeoutMs);
      case 'syncFilesFrom':
        return this.deps.syncFiles(cmd.syncFilesFrom!, cmd.id);
      default:
        return Promise.reject(new Error(`unknown command kind ${String(cmd.kind)}`));
    }
  }

  private result(cmd: Command, ok: boolean, error: string, start: number, detail: Detail): CommandResult {
    return { id: cmd.id, node: this.deps.node, epoch: cmd.epoch, ok, error, durationMs: performance.now() - start, detail: JSON.stringify(detail) };
  }
}
