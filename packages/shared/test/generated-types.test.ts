import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOADER_OPTIONS, PROTO_FILES } from '../src/grpc.js';
// @ts-expect-error: a plain ES module script, no declarations
import { GENERATED_DIR, GENERATOR_OPTIONS, protoFiles, ROOT } from '../../../scripts/proto-gen.mjs';

const run = promisify(execFile);
const STALE = 'the generated proto types are stale: run pnpm proto:gen and commit packages/shared/src/generated';

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

describe('generated proto types (packages/shared/src/generated)', () => {
  let tmp: string;
  let out: string;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'wha-proto-gen-'));
    out = join(tmp, 'generated');
    await run(process.execPath, [join(ROOT, 'scripts', 'proto-gen.mjs'), out], { cwd: ROOT });
  }, 60_000);

  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('are what pnpm proto:gen writes from the protos, byte for byte', async () => {
    const want = await files(out);
    expect(want.length).toBeGreaterThan(0);
    expect(await files(GENERATED_DIR), STALE).toEqual(want);
    for (const f of want) {
      const [fresh, committed] = await Promise.all([readFile(join(out, f)), readFile(join(GENERATED_DIR, f))]);
      expect(committed.equals(fresh), `${f}: ${STALE}`).toBe(true);
    }
  });

  it('describe the shapes the runtime loader decodes, for every proto it loads', () => {
    const { keepCase, longs, enums, defaults, oneofs } = LOADER_OPTIONS;
    expect({ keepCase, longs: longs?.name, enums: enums?.name, defaults, oneofs }).toEqual(GENERATOR_OPTIONS);
    expect([...PROTO_FILES].sort()).toEqual(protoFiles());
  });
});
