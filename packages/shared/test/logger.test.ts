import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, journaldStream, logProcessWarnings } from '../src/logger.js';

function capture(): { lines: string[]; dest: { write(s: string): void } } {
  const lines: string[] = [];
  return { lines, dest: { write: (s: string) => void lines.push(s) } };
}

describe('createLogger', () => {
  it('writes the level as its name, and redacts passwords', () => {
    const { lines, dest } = capture();
    createLogger('t', 'info', dest).warn({ mysql: { password: 'hunter2-secret' } }, 'careful');
    const o = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(o.level).toBe('warn');
    expect(o.msg).toBe('careful');
    expect(lines[0]).not.toContain('hunter2-secret');
  });

  it('prefixes each line with the journald priority of its level under systemd', () => {
    const out = capture();
    const log = createLogger('t', 'debug', journaldStream(out.dest));
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    log.fatal('f');
    expect(out.lines.map((l) => l.slice(0, 3))).toEqual(['<7>', '<6>', '<4>', '<3>', '<2>']);
    // what journald keeps after stripping the prefix is still one JSON object
    expect((JSON.parse(out.lines[2]!.slice(3)) as { level: string }).level).toBe('warn');
  });
});

describe('logProcessWarnings', () => {
  const saved = process.listeners('warning');
  afterEach(() => {
    process.removeAllListeners('warning');
    for (const l of saved) process.on('warning', l);
  });

  it("logs Node's process warnings through the logger, once per code, instead of raw stderr text", async () => {
    const { lines, dest } = capture();
    logProcessWarnings(createLogger('t', 'info', dest));
    process.emitWarning('old API', { type: 'DeprecationWarning', code: 'DEP9999' });
    process.emitWarning('old API', { type: 'DeprecationWarning', code: 'DEP9999' });
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', warning: 'DeprecationWarning', code: 'DEP9999', msg: 'node: old API' });
  });
});
