import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioEnv } from './scenario-env.js';

/**
 * etcd-style data-driven tests: each file under testdata/ is a script of
 * commands, each followed by "----" and the trace it must print. Run with
 * UPDATE_SCENARIOS=1 to rewrite the expected traces from the current code.
 */
const DIR = join(import.meta.dirname, 'testdata');
const UPDATE = process.env.UPDATE_SCENARIOS === '1';

interface Block {
  comments: string[];
  command: string;
  expected: string[];
}

export function parseScenario(text: string, file: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const comments: string[] = [];
    while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.startsWith('#'))) {
      if (lines[i]!.startsWith('#')) comments.push(lines[i]!);
      i++;
    }
    if (i >= lines.length) break;
    const command = lines[i++]!;
    if (lines[i] !== '----') throw new Error(`${file}:${i + 1}: expected "----" after "${command}"`);
    i++;
    const expected: string[] = [];
    while (i < lines.length && lines[i] !== '') expected.push(lines[i++]!);
    blocks.push({ comments, command, expected });
  }
  return blocks;
}

function render(blocks: Block[]): string {
  return blocks.map((b) => [...b.comments, b.command, '----', ...b.expected].join('\n')).join('\n\n') + '\n';
}

describe('raft scenarios', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();
  it('has scenarios', () => expect(files.length).toBeGreaterThan(5));
  for (const file of files) {
    it(file, () => {
      const path = join(DIR, file);
      const blocks = parseScenario(readFileSync(path, 'utf8'), file);
      const env = new ScenarioEnv();
      const actual = blocks.map((b) => ({ ...b, expected: env.run(b.command) }));
      if (UPDATE) {
        writeFileSync(path, render(actual));
        return;
      }
      for (let k = 0; k < blocks.length; k++) {
        expect(actual[k]!.expected.join('\n'), `${file}: "${blocks[k]!.command}"`).toBe(blocks[k]!.expected.join('\n'));
      }
    });
  }
});
