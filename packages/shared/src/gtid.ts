/**
 * GTID sets of both flavours, parsed into one shape so the decision engine
 * can ask "is everything B executed also in A?" and "what does A have that B
 * lacks?" (errant transactions) without caring which server wrote them.
 *
 * MariaDB: `domain-server-seq` per replication domain; a domain's position is
 * its highest seq, and the server id does not order anything.
 * MySQL: `uuid[:tag]:a-b:c-d` interval sets per source.
 */

export type GtidFlavour = 'mariadb' | 'mysql';

export interface GtidSet {
  flavour: GtidFlavour;
  /** MariaDB: domain id -> highest seq. */
  domains: Map<string, { server: string; seq: number }>;
  /** MySQL: "uuid" or "uuid:tag" -> sorted, merged closed intervals. */
  sources: Map<string, Array<[number, number]>>;
}

export class GtidParseError extends Error {
  override readonly name = 'GtidParseError';
}

const MARIADB_RE = /^(\d+)-(\d+)-(\d+)$/;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function parseGtidSet(text: string, flavour?: GtidFlavour): GtidSet {
  const parts = text
    .split(',')
    .map((p) => p.replace(/\s+/g, ''))
    .filter((p) => p.length > 0);
  const guess: GtidFlavour = flavour ?? (parts.some((p) => p.includes(':')) ? 'mysql' : 'mariadb');
  const set: GtidSet = { flavour: guess, domains: new Map(), sources: new Map() };
  for (const part of parts) {
    if (guess === 'mariadb') {
      const m = MARIADB_RE.exec(part);
      if (!m) throw new GtidParseError(`not a MariaDB GTID: ${part}`);
      const seq = Number(m[3]);
      const prev = set.domains.get(m[1]!);
      if (!prev || prev.seq < seq) set.domains.set(m[1]!, { server: m[2]!, seq });
    } else {
      const fields = part.split(':');
      const uuid = fields.shift()!;
      if (!UUID_RE.test(uuid)) throw new GtidParseError(`not a MySQL GTID source uuid: ${uuid}`);
      let key = uuid.toLowerCase();
      for (const f of fields) {
        const iv = /^(\d+)(?:-(\d+))?$/.exec(f);
        if (!iv) {
          // MySQL 8.4 tagged GTIDs: uuid:tag:1-5; the intervals after a tag belong to it
          if (/^[a-z_][a-z0-9_]{0,31}$/i.test(f)) {
            key = `${uuid.toLowerCase()}:${f.toLowerCase()}`;
            continue;
          }
          throw new GtidParseError(`not a GTID interval: ${f} in ${part}`);
        }
        const a = Number(iv[1]);
        const b = iv[2] === undefined ? a : Number(iv[2]);
        if (b < a) throw new GtidParseError(`interval end before start: ${f}`);
        set.sources.set(key, merge([...(set.sources.get(key) ?? []), [a, b]]));
      }
    }
  }
  return set;
}

function merge(intervals: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...intervals].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv[0] <= last[1] + 1) last[1] = Math.max(last[1], iv[1]);
    else out.push([iv[0], iv[1]]);
  }
  return out;
}

/** True when every transaction in `sub` is also in `sup`. */
export function gtidContains(sup: GtidSet, sub: GtidSet): boolean {
  return gtidSubtract(sub, sup).count === 0;
}

/**
 * What `a` has that `b` lacks, as readable GTIDs (for status output) and a
 * count. On a returning old active this is its errant transactions.
 */
export function gtidSubtract(a: GtidSet, b: GtidSet): { count: number; text: string } {
  const missing: string[] = [];
  let count = 0;
  if (a.flavour === 'mariadb') {
    for (const [domain, { server, seq }] of a.domains) {
      const other = b.domains.get(domain)?.seq ?? 0;
      if (seq > other) {
        count += seq - other;
        missing.push(`${domain}-${server}-${seq}`);
      }
    }
  } else {
    for (const [key, intervals] of a.sources) {
      const have = b.sources.get(key) ?? [];
      for (const [lo, hi] of intervals) {
        let cur = lo;
        for (const [hlo, hhi] of have) {
          if (hhi < cur || hlo > hi) continue;
          if (hlo > cur) {
            missing.push(`${key}:${cur}-${hlo - 1}`);
            count += hlo - cur;
          }
          cur = Math.max(cur, hhi + 1);
          if (cur > hi) break;
        }
        if (cur <= hi) {
          missing.push(cur === hi ? `${key}:${cur}` : `${key}:${cur}-${hi}`);
          count += hi - cur + 1;
        }
      }
    }
  }
  return { count, text: missing.join(',') };
}

/** A total order for "further ahead" among candidates: the number of transactions the set covers. */
export function gtidSize(set: GtidSet): number {
  let n = 0;
  for (const d of set.domains.values()) n += d.seq;
  for (const ivs of set.sources.values()) for (const [a, b] of ivs) n += b - a + 1;
  return n;
}

/** Parses both sides and answers containment; unparsable text is never "contained". */
export function gtidTextContains(sup: string, sub: string): boolean {
  try {
    const b = parseGtidSet(sub);
    return gtidContains(parseGtidSet(sup, b.flavour), b);
  } catch {
    return false;
  }
}
