import type { Logger } from '@whmcs-ha/shared';
import { runProgram } from '../lb/run-program.js';

export interface HookConfig {
  /** argv of the program to run; a non-zero exit vetoes the failover */
  preFailover?: string[] | undefined;
  postFailover?: string[] | undefined;
}

export interface HookContext {
  old: string;
  new: string;
  epoch: number;
  reason: string;
}

/** Runs a hook with WHA_* variables (never through a shell). No hook configured is a pass. */
export async function runHooks(argv: string[] | undefined, ctx: HookContext, logger: Logger): Promise<{ ok: boolean; message: string }> {
  if (!argv || argv.length === 0) return { ok: true, message: '' };
  const env = {
    ...process.env,
    WHA_OLD: ctx.old,
    WHA_NEW: ctx.new,
    WHA_EPOCH: String(ctx.epoch),
    WHA_REASON: ctx.reason,
  };
  const r = await runProgram(argv[0]!, argv.slice(1), 30_000, env);
  const message = `${argv[0]} exited ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-1)[0]}` : ''}`;
  logger.info({ hook: argv[0], code: r.code }, 'hook ran');
  return { ok: r.code === 0, message };
}
