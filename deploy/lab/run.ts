import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface RunOptions {
  /** written to the program's stdin (SQL goes here, so passwords never show in `ps`) */
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** do not throw on a non-zero exit */
  allowFailure?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  constructor(
    readonly argv: string[],
    readonly result: RunResult,
  ) {
    super(`${argv.join(' ')} exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(0, 2000)}`);
    this.name = 'CommandError';
  }
}

/** Runs a program to completion. Always an argument array, never a shell. */
export function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('run: empty argv');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      timeout: opts.timeoutMs ?? 60_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr: signal ? `${stderr}killed by ${signal}` : stderr };
      if (result.code !== 0 && !opts.allowFailure) reject(new CommandError(argv, result));
      else resolvePromise(result);
    });
    child.stdin.on('error', () => {
      /* the program may exit before reading its input; the exit code tells */
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** `ip netns exec <ns> argv...`: the program runs inside the host's network namespace. */
export function inNetns(netns: string, argv: string[]): string[] {
  return ['ip', 'netns', 'exec', netns, ...argv];
}

/**
 * Starts a long-running program detached from this process (it outlives `lab up`), output appended to
 * `logFile`. Returns its pid: `ip netns exec` and the bind-mount helper both exec, so the pid is the
 * daemon's own.
 */
export function spawnDaemon(argv: string[], logFile: string, env?: NodeJS.ProcessEnv): number {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('spawnDaemon: empty argv');
  const fd = openSync(logFile, 'a', 0o600);
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env: env ?? process.env });
    if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
    child.on('error', () => {
      /* reported by the readiness check, which sees the pid gone */
    });
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Thrown from a waitFor check to stop waiting at once (the process being waited for died). */
export class GiveUp extends Error {}

/** Polls `check` until it returns a value other than undefined/false, or throws after timeoutMs. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      if (e instanceof GiveUp) throw e;
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}
