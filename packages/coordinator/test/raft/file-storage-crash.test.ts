import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entry, HardState } from '../../src/raft/core/types.js';
import { Prng } from '../../src/raft/sim/prng.js';
import { FileStorage, SNAPSHOT_FILE, WAL_FILE } from '../../src/raft/storage/file-storage.js';
import { encodeRecord, entriesRecord, hardStateRecord } from '../../src/raft/storage/record-codec.js';

interface Model {
  hs: HardState;
  entries: Entry[];
}

const show = (m: Model) => ({
  hs: m.hs,
  entries: m.entries.map((e) => `${e.index}/${e.term}/${Buffer.from(e.data).toString()}`),
});

// Random histories of appends, truncations, hard-state changes and compactions
// against real files; after each write, the WAL is cut at a random byte (a
// torn write) or has a byte flipped, and a fresh load must return exactly the
// state after the last whole record before the damage.
describe('FileStorage under torn and corrupt writes (seeded)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'raft-crash-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (let seed = 1; seed <= 8; seed++) {
    it(`seed ${seed}`, async () => {
      const rng = new Prng(seed);
      const dir = join(root, `s${seed}`);
      const probe = join(root, `p${seed}`);
      const s = new FileStorage(dir);
      await s.load();
      let model: Model = { hs: { term: 0, vote: '', commit: 0 }, entries: [] };
      let snapIndex = 0;
      let term = 1;
      for (let op = 0; op < 40; op++) {
        const before = (await readFile(join(dir, WAL_FILE))).length;
        if (rng.chance(0.1) && model.hs.commit > snapIndex) {
          // Compaction: snapshot at the commit index, WAL rewritten.
          const at = model.hs.commit;
          const snapTerm = model.entries.find((e) => e.index === at)!.term;
          model = { hs: model.hs, entries: model.entries.filter((e) => e.index > at) };
          snapIndex = at;
          await s.compact({ index: at, term: snapTerm, voters: ['a'], data: new TextEncoder().encode(`snap${at}`) }, model.hs, model.entries);
          continue;
        }
        // Append, possibly overwriting the uncommitted tail, then maybe a new hard state.
        const last = snapIndex + model.entries.length;
        const from = rng.int(Math.max(model.hs.commit, snapIndex) + 1, last + 1);
        if (rng.chance(0.3)) term++;
        const ents: Entry[] = Array.from({ length: rng.int(1, 4) }, (_, i) => ({
          index: from + i,
          term,
          type: 'normal',
          data: new TextEncoder().encode(`s${seed}o${op}i${i}`),
        }));
        const newLast = from + ents.length - 1;
        const hs: HardState | null = rng.chance(0.7)
          ? { term, vote: rng.pick(['', 'a', 'b']), commit: rng.int(model.hs.commit, newLast) }
          : null;
        const states: { offset: number; model: Model }[] = [{ offset: before, model }];
        const afterEnts: Model = { hs: model.hs, entries: model.entries.filter((e) => e.index < from).concat(ents) };
        states.push({ offset: before + encodeRecord(entriesRecord(ents)).length, model: afterEnts });
        let after = afterEnts;
        if (hs) {
          after = { hs, entries: afterEnts.entries };
          states.push({ offset: states[1]!.offset + encodeRecord(hardStateRecord(hs)).length, model: after });
        }
        await s.save(hs, ents, null);
        const wal = await readFile(join(dir, WAL_FILE));
        expect(wal.length).toBe(states.at(-1)!.offset);

        // Torn write: keep a random prefix of this op's bytes.
        const cut = rng.int(before, wal.length);
        const want = [...states].reverse().find((st) => st.offset <= cut)!;
        await rm(probe, { recursive: true, force: true });
        await mkdir(probe, { recursive: true });
        await writeFile(join(probe, WAL_FILE), wal.subarray(0, cut));
        if (snapIndex > 0) await copyFile(join(dir, SNAPSHOT_FILE), join(probe, SNAPSHOT_FILE));
        const ps = new FileStorage(probe);
        const got = await ps.load();
        await ps.close();
        expect(ps.lastLoad.truncatedBytes).toBe(cut - want.offset);
        expect(show({ hs: got.hardState, entries: got.entries })).toEqual(
          show({ hs: { ...want.model.hs, commit: Math.max(want.model.hs.commit, snapIndex) }, entries: want.model.entries }),
        );

        // Bit rot in this op's bytes: everything from the damaged record on is dropped.
        if (wal.length > before) {
          const pos = rng.int(before, wal.length - 1);
          const bad = Buffer.from(wal);
          bad[pos] = bad[pos]! ^ (1 << rng.int(0, 7));
          await writeFile(join(probe, WAL_FILE), bad);
          const rs = new FileStorage(probe);
          const got2 = await rs.load();
          await rs.close();
          const intact = [...states].reverse().find((st) => st.offset <= pos)!;
          expect(show({ hs: got2.hardState, entries: got2.entries })).toEqual(
            show({ hs: { ...intact.model.hs, commit: Math.max(intact.model.hs.commit, snapIndex) }, entries: intact.model.entries }),
          );
        }
        model = after;
      }
      await s.close();
      // And the real directory still loads to the final model.
      const fin = new FileStorage(dir);
      const st = await fin.load();
      await fin.close();
      expect(show({ hs: st.hardState, entries: st.entries })).toEqual(show({ hs: { ...model.hs, commit: Math.max(model.hs.commit, snapIndex) }, entries: model.entries }));
      expect(st.snapshot?.index ?? 0).toBe(snapIndex);
    });
  }
});
