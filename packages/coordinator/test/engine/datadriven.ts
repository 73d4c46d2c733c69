import { readFileSync, writeFileSync } from 'node:fs';

/**
 * etcd-style data-driven files: blocks of command lines, a `----` line, the
 * expected output, then a blank line. Lines starting with # outside a block
 * are comments. With UPDATE_SCENARIOS=1 the expected outputs are rewritten
 * from what the run produced.
 */
export interface Block {
  commands: string[];
  expected: string[];
}

interface Chunk {
  comments: string[];
  block: Block | null;
}

function parse(text: string): Chunk[] {
  const lines = text.split('\n');
  const chunks: Chunk[] = [];
  let i = 0;
  while (i < lines.length) {
    const comments: string[] = [];
    while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.startsWith('#'))) comments.push(lines[i++]!);
    if (i >= lines.length) {
      chunks.push({ comments, block: null });
      break;
    }
    const commands: string[] = [];
    while (i < lines.length && lines[i] !== '----') commands.push(lines[i++]!);
    if (i >= lines.length) throw new Error(`block starting "${commands[0]}" has no ---- line`);
    i++;
    const expected: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') expected.push(lines[i++]!);
    chunks.push({ comments, block: { commands, expected } });
  }
  return chunks;
}

/** Runs every block through `run`; returns the mismatches (or rewrites the file). */
export function runDataDriven(file: string, run: (commands: string[]) => string[]): string[] {
  const chunks = parse(readFileSync(file, 'utf8'));
  const mismatches: string[] = [];
  const update = process.env.UPDATE_SCENARIOS === '1';
  for (const c of chunks) {
    if (!c.block) continue;
    const actual = run(c.block.commands);
    if (actual.join('\n') !== c.block.expected.join('\n')) {
      mismatches.push(
        `${c.block.commands.join(' | ')}\n  expected:\n    ${c.block.expected.join('\n    ')}\n  actual:\n    ${actual.join('\n    ')}`,
      );
    }
    if (update) c.block.expected = actual;
  }
  if (update) {
    const out: string[] = [];
    for (const c of chunks) {
      out.push(...c.comments);
      if (c.block) out.push(...c.block.commands, '----', ...c.block.expected);
    }
    writeFileSync(file, `${out.join('\n').replace(/\n+$/, '')}\n`);
    return [];
  }
  return mismatches;
}
