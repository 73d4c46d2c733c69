import { crc32 } from 'node:zlib';
import type { Entry, EntryType, HardState, Snapshot } from '../core/types.js';

/**
 * One WAL record on disk: u32 payload length, u32 CRC-32 of the payload, the
 * payload (JSON). A record whose length runs past the end of the file or whose
 * checksum does not match is a torn or corrupt tail.
 */
export const RECORD_HEADER = 8;

export type WalRecord =
  | { kind: 'base'; index: number; term: number }
  | { kind: 'hs'; term: number; vote: string; commit: number }
  | { kind: 'ents'; entries: { term: number; index: number; type: EntryType; data: string }[] };

export function encodeRecord(rec: WalRecord): Buffer {
  const payload = Buffer.from(JSON.stringify(rec), 'utf8');
  const out = Buffer.allocUnsafe(RECORD_HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  payload.copy(out, RECORD_HEADER);
  return out;
}

export interface DecodedRecords {
  records: WalRecord[];
  /** Byte offset just past the last good record: everything after it is to be truncated. */
  goodBytes: number;
}

export function decodeRecords(buf: Buffer): DecodedRecords {
  const records: WalRecord[] = [];
  let off = 0;
  while (off + RECORD_HEADER <= buf.length) {
    const len = buf.readUInt32LE(off);
    const sum = buf.readUInt32LE(off + 4);
    const end = off + RECORD_HEADER + len;
    if (end > buf.length) break;
    const payload = buf.subarray(off + RECORD_HEADER, end);
    if (crc32(payload) !== sum) break;
    let rec: WalRecord;
    try {
      rec = JSON.parse(payload.toString('utf8')) as WalRecord;
    } catch {
      break;
    }
    records.push(rec);
    off = end;
  }
  return { records, goodBytes: off };
}

export function hardStateRecord(hs: HardState): WalRecord {
  return { kind: 'hs', term: hs.term, vote: hs.vote, commit: hs.commit };
}

export function entriesRecord(ents: Entry[]): WalRecord {
  return {
    kind: 'ents',
    entries: ents.map((e) => ({ term: e.term, index: e.index, type: e.type, data: Buffer.from(e.data).toString('base64') })),
  };
}

export function decodeEntries(rec: Extract<WalRecord, { kind: 'ents' }>): Entry[] {
  return rec.entries.map((e) => ({
    term: e.term,
    index: e.index,
    type: e.type,
    data: new Uint8Array(Buffer.from(e.data, 'base64')),
  }));
}

/** Snapshot file: magic, u32 CRC-32 of the rest, u32 meta length, meta JSON, data. */
const SNAP_MAGIC = Buffer.from('WHSNAP01', 'ascii');

export function encodeSnapshot(s: Snapshot): Buffer {
  const meta = Buffer.from(JSON.stringify({ index: s.index, term: s.term, voters: s.voters }), 'utf8');
  const body = Buffer.allocUnsafe(4 + meta.length + s.data.length);
  body.writeUInt32LE(meta.length, 0);
  meta.copy(body, 4);
  Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength).copy(body, 4 + meta.length);
  const head = Buffer.allocUnsafe(SNAP_MAGIC.length + 4);
  SNAP_MAGIC.copy(head, 0);
  head.writeUInt32LE(crc32(body), SNAP_MAGIC.length);
  return Buffer.concat([head, body]);
}

export function decodeSnapshot(buf: Buffer, file: string): Snapshot {
  const bad = (why: string) => new Error(`raft storage: snapshot ${file} is corrupt (${why})`);
  if (buf.length < SNAP_MAGIC.length + 8 || !buf.subarray(0, SNAP_MAGIC.length).equals(SNAP_MAGIC)) throw bad('bad header');
  const sum = buf.readUInt32LE(SNAP_MAGIC.length);
  const body = buf.subarray(SNAP_MAGIC.length + 4);
  if (crc32(body) !== sum) throw bad('checksum mismatch');
  const metaLen = body.readUInt32LE(0);
  if (4 + metaLen > body.length) throw bad('meta length');
  const meta = JSON.parse(body.subarray(4, 4 + metaLen).toString('utf8')) as { index: number; term: number; voters: string[] };
  return { index: meta.index, term: meta.term, voters: meta.voters, data: new Uint8Array(body.subarray(4 + metaLen)) };
}
