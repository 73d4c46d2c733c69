import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Entry, HardState, Snapshot } from '../core/types.js';
import type { PersistedState, RaftStorage } from './raft-storage.js';
import {
  decodeEntries,
  decodeRecords,
  decodeSnapshot,
  encodeRecord,
  encodeSnapshot,
  entriesRecord,
  hardStateRecord,
  type WalRecord,
} from './record-codec.js';

export const WAL_FILE = 'raft.wal';
export const SNAPSHOT_FILE = 'raft.snapshot';

export interface LoadReport {
  /** Bytes of torn or corrupt tail cut off the WAL at load. */
  truncatedBytes: number;
}

/**
 * Append-only, checksummed write-ahead log plus a snapshot file, in one data
 * directory. Appends are fdatasync'd; files are replaced by write-to-temp,
 * fsync, rename, fsync of the directory. See docs/raft.md, "Storage".
 */
export class FileStorage implements RaftStorage {
  readonly dir: string;
  private wal: FileHandle | null = null;
  private snapshot: Snapshot | null = null;
  lastLoad: LoadReport = { truncatedBytes: 0 };
  private synced = { term: 0, vote: '' };
  /** The hard state last written, so a rewrite never loses term or vote. */
  private hs: HardState = { term: 0, vote: '', commit: 0 };

  constructor(dir: string) {
    this.dir = dir;
  }

  get location(): string {
    return this.dir;
  }

  async load(): Promise<PersistedState> {
    await mkdir(this.dir, { recursive: true });
    this.snapshot = await this.readSnapshot();
    const walPath = join(this.dir, WAL_FILE);
    let buf: Buffer;
    let created = false;
    try {
      buf = await readFile(walPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      buf = Buffer.alloc(0);
      created = true;
    }
    const { records, goodBytes } = decodeRecords(buf);
    this.wal = await open(walPath, 'a+');
    if (goodBytes < buf.length) {
      // A torn or corrupt tail was never acknowledged to anyone (we fsync
      // before sending), so it is cut off rather than applied.
      await this.wal.truncate(goodBytes);
      await this.wal.sync();
    }
    if (created) await syncDir(this.dir);
    this.lastLoad = { truncatedBytes: buf.length - goodBytes };
    const state = replay(records, this.snapshot);
    this.synced = { term: state.hardState.term, vote: state.hardState.vote };
    this.hs = state.hardState;
    return state;
  }

  async save(hardState: HardState | null, entries: Entry[], snapshot: Snapshot | null): Promise<void> {
    if (snapshot) {
      const rest = entries.filter((e) => e.index > snapshot.index);
      const hs = hardState ?? this.hs;
      await this.replaceAll(snapshot, hs, rest);
      return;
    }
    const parts: Buffer[] = [];
    if (entries.length > 0) parts.push(encodeRecord(entriesRecord(entries)));
    if (hardState) parts.push(encodeRecord(hardStateRecord(hardState)));
    if (parts.length === 0) return;
    if (hardState) this.hs = hardState;
    const wal = this.handle();
    await wal.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    // A commit index alone need not be durable (it is re-learned from the
    // leader), so a Ready that only moves it skips the fsync.
    const voteChanged = hardState !== null && (hardState.term !== this.synced.term || hardState.vote !== this.synced.vote);
    if (entries.length > 0 || voteChanged) {
      await wal.datasync();
      if (hardState) this.synced = { term: hardState.term, vote: hardState.vote };
    }
  }

  async compact(snapshot: Snapshot, hardState: HardState, rest: Entry[]): Promise<void> {
    await this.replaceAll(snapshot, hardState, rest.filter((e) => e.index > snapshot.index));
  }

  async close(): Promise<void> {
    await this.wal?.close();
    this.wal = null;
  }

  private handle(): FileHandle {
    if (!this.wal) throw new Error('raft storage: not loaded or already closed');
    return this.wal;
  }

  /**
   * Snapshot first, then a fresh WAL that starts at it. A crash between the two
   * leaves the new snapshot with the old WAL, which load() reconciles (replay).
   */
  private async replaceAll(snapshot: Snapshot, hs: HardState, rest: Entry[]): Promise<void> {
    await writeFileDurably(this.dir, SNAPSHOT_FILE, encodeSnapshot(snapshot));
    this.snapshot = snapshot;
    const recs: WalRecord[] = [{ kind: 'base', index: snapshot.index, term: snapshot.term }];
    if (rest.length > 0) recs.push(entriesRecord(rest));
    recs.push(hardStateRecord(hs));
    await this.wal?.close();
    this.wal = null;
    await writeFileDurably(this.dir, WAL_FILE, Buffer.concat(recs.map(encodeRecord)));
    this.wal = await open(join(this.dir, WAL_FILE), 'a+');
    this.synced = { term: hs.term, vote: hs.vote };
    this.hs = hs;
  }

  private async readSnapshot(): Promise<Snapshot | null> {
    const file = join(this.dir, SNAPSHOT_FILE);
    try {
      return decodeSnapshot(await readFile(file), file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}

/** Rebuilds term, vote, commit and log from WAL records on top of the snapshot. */
export function replay(records: WalRecord[], snapshot: Snapshot | null): PersistedState {
  let hs: HardState = { term: 0, vote: '', commit: 0 };
  let entries: Entry[] = [];
  let baseIndex = 0;
  for (const rec of records) {
    if (rec.kind === 'base') {
      baseIndex = rec.index;
      entries = [];
    } else if (rec.kind === 'hs') {
      hs = { term: rec.term, vote: rec.vote, commit: rec.commit };
    } else {
      const ents = decodeEntries(rec);
      const first = ents[0];
      if (!first) continue;
      const keep = first.index - baseIndex - 1;
      if (keep < 0 || keep > entries.length) throw new Error(`raft storage: WAL entries at ${first.index} do not follow the log`);
      entries.length = keep;
      entries.push(...ents);
    }
  }
  if (snapshot) {
    if (baseIndex > snapshot.index) throw new Error('raft storage: WAL starts after the snapshot');
    if (baseIndex < snapshot.index) {
      // Crash between writing the snapshot and the new WAL: keep the old
      // entries only if they agree with the snapshot where it ends.
      const at = entries[snapshot.index - baseIndex - 1];
      entries = at && at.term === snapshot.term ? entries.slice(snapshot.index - baseIndex) : [];
    }
    if (hs.commit < snapshot.index) hs = { ...hs, commit: snapshot.index };
    if (hs.term < snapshot.term) hs = { term: snapshot.term, vote: '', commit: hs.commit };
  } else if (baseIndex !== 0) {
    throw new Error('raft storage: WAL starts at a snapshot that is missing');
  }
  // The commit index is a hint, not a promise: never beyond what we hold.
  const last = (snapshot?.index ?? baseIndex) + entries.length;
  if (hs.commit > last) hs = { ...hs, commit: last };
  return { hardState: hs, snapshot, entries };
}

async function writeFileDurably(dir: string, name: string, data: Buffer): Promise<void> {
  const tmp = join(dir, `${name}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.write(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, name));
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
