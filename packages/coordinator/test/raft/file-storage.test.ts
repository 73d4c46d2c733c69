import { appendFile, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entry } from '../../src/raft/core/types.js';
import { FileStorage, SNAPSHOT_FILE, WAL_FILE } from '../../src/raft/storage/file-storage.js';
import { encodeRecord, entriesRecord } from '../../src/raft/storage/record-codec.js';

const ent = (index: number, term: number, s = `e${index}`): Entry => ({ index, term, type: 'normal', data: new TextEncoder().encode(s) });
const text = (e: Entry) => `${e.index}/${e.term}/${Buffer.from(e.data).toString()}`;

describe('FileStorage (real files, real fsync)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'raft-storage-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function reopen(): Promise<{ s: FileStorage; state: Awaited<ReturnType<FileStorage['load']>> }> {
    const s = new FileStorage(dir);
    const state = await s.load();
    return { s, state };
  }

  it('persists hard state and entries, and replays truncation by later appends', async () => {
    const { s } = await reopen();
    await s.save({ term: 1, vote: 'a', commit: 0 }, [ent(1, 1), ent(2, 1), ent(3, 1)], null);
    await s.save({ term: 2, vote: 'b', commit: 2 }, [ent(3, 2, 'x'), ent(4, 2)], null);
    await s.close();
    const { s: s2, state } = await reopen();
    expect(state.hardState).toEqual({ term: 2, vote: 'b', commit: 2 });
    expect(state.entries.map(text)).toEqual(['1/1/e1', '2/1/e2', '3/2/x', '4/2/e4']);
    await s2.close();
  });

  it('cuts a torn tail record and never applies it', async () => {
    const { s } = await reopen();
    await s.save({ term: 1, vote: 'a', commit: 1 }, [ent(1, 1), ent(2, 1)], null);
    await s.close();
    const good = (await stat(join(dir, WAL_FILE))).size;
    // A record whose write was cut short by a crash.
    const rec = encodeRecord(entriesRecord([ent(3, 1)]));
    await appendFile(join(dir, WAL_FILE), rec.subarray(0, rec.length - 3));
    const { s: s2, state } = await reopen();
    expect(s2.lastLoad.truncatedBytes).toBe(rec.length - 3);
    expect(state.entries.map((e) => e.index)).toEqual([1, 2]);
    expect((await stat(join(dir, WAL_FILE))).size).toBe(good);
    // Appends after the cut land where the torn record was.
    await s2.save(null, [ent(3, 1, 'again')], null);
    await s2.close();
    const { s: s3, state: st3 } = await reopen();
    expect(st3.entries.map(text)).toEqual(['1/1/e1', '2/1/e2', '3/1/again']);
    await s3.close();
  });

  it('detects a corrupt (bit-flipped) tail by checksum and truncates from there', async () => {
    const { s } = await reopen();
    await s.save({ term: 1, vote: '', commit: 0 }, [ent(1, 1)], null);
    await s.save(null, [ent(2, 1)], null);
    await s.close();
    const file = join(dir, WAL_FILE);
    const buf = await readFile(file);
    buf[buf.length - 2] = buf[buf.length - 2]! ^ 0xff;
    await writeFile(file, buf);
    const { s: s2, state } = await reopen();
    expect(state.entries.map((e) => e.index)).toEqual([1]);
    expect(s2.lastLoad.truncatedBytes).toBeGreaterThan(0);
    await s2.close();
  });

  it('compacts into a snapshot plus a fresh WAL', async () => {
    const { s } = await reopen();
    await s.save({ term: 3, vote: 'a', commit: 5 }, [1, 2, 3, 4, 5, 6].map((i) => ent(i, 3)), null);
    const snap = { index: 4, term: 3, voters: ['a', 'b', 'c'], data: new TextEncoder().encode('state@4') };
    await s.compact(snap, { term: 3, vote: 'a', commit: 5 }, [ent(5, 3), ent(6, 3)]);
    await s.save(null, [ent(7, 3)], null);
    await s.close();
    const { s: s2, state } = await reopen();
    expect(state.snapshot?.index).toBe(4);
    expect(Buffer.from(state.snapshot!.data).toString()).toBe('state@4');
    expect(state.entries.map((e) => e.index)).toEqual([5, 6, 7]);
    expect(state.hardState).toEqual({ term: 3, vote: 'a', commit: 5 });
    await s2.close();
  });

  it('after a crash between snapshot and WAL rewrite, keeps old entries only where they agree', async () => {
    const { s } = await reopen();
    await s.save({ term: 2, vote: 'a', commit: 2 }, [ent(1, 1), ent(2, 1), ent(3, 2), ent(4, 2)], null);
    const walBefore = await readFile(join(dir, WAL_FILE));
    // A snapshot from a leader whose history differs at 3: the old 3 and 4 must go.
    await s.save({ term: 4, vote: '', commit: 3 }, [], { index: 3, term: 4, voters: ['a'], data: new Uint8Array() });
    await s.close();
    await writeFile(join(dir, WAL_FILE), walBefore); // the WAL rename never happened
    const { s: s2, state } = await reopen();
    expect(state.snapshot?.index).toBe(3);
    expect(state.entries).toEqual([]);
    expect(state.hardState.commit).toBe(3);
    expect(state.hardState.term).toBe(4);
    await s2.close();
  });

  it('refuses a corrupt snapshot instead of starting from a wrong state', async () => {
    const { s } = await reopen();
    await s.compact({ index: 0, term: 0, voters: ['a'], data: new TextEncoder().encode('x') }, { term: 1, vote: '', commit: 0 }, []);
    await s.close();
    const file = join(dir, SNAPSHOT_FILE);
    await truncate(file, (await stat(file)).size - 1);
    await expect(new FileStorage(dir).load()).rejects.toThrow(/snapshot .* is corrupt \(checksum mismatch\)/);
  });
});
