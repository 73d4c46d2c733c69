import { mulberry32, serviceDefinition, type ServiceName } from '@whmcs-ha/shared';

/** Seeded PRNG: a failing run is repeated with its seed. */
export const rng = mulberry32;

const NASTY_STRINGS = ['', ' ', 'web001', 'web002', 'c1', 'c2', 'c3', '../../etc/passwd', '\u0000', '💥'.repeat(40), 'x'.repeat(70_000), "'; DROP TABLE x; --", '${jndi:x}', 'NaN'];
const NASTY_NUMBERS = [0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, 1e300, -1e300, 0.5, NaN, Infinity, -Infinity];

export class Fuzzer {
  constructor(readonly random: () => number) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  value(depth = 0): unknown {
    switch (this.int(depth > 2 ? 6 : 9)) {
      case 0:
        return this.pick(NASTY_STRINGS);
      case 1:
        return this.pick(NASTY_NUMBERS);
      case 2:
        return this.random() < 0.5;
      case 3:
        return null;
      case 4:
        return Math.floor((this.random() - 0.3) * 10 ** this.int(12));
      case 5:
        return Buffer.from(Array.from({ length: this.int(40) }, () => this.int(256)));
      case 6:
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = this.int(4); i > 0; i--) o[this.pick(['node', 'from', 'to', 'type', 'term', 'action', 'x', 'hello', 'report', 'result'])] = this.value(depth + 1);
        return o;
      }
    }
  }

  /** A copy of `msg` with one to three fields replaced, removed, or added at random depth. */
  mutate(msg: unknown): unknown {
    const copy = structuredClone(msg) as Record<string, unknown>;
    for (let n = 1 + this.int(3); n > 0; n--) {
      let target: Record<string, unknown> = copy;
      for (let d = 0; d < 3; d++) {
        const keys = Object.keys(target).filter((k) => target[k] !== null && typeof target[k] === 'object' && !Buffer.isBuffer(target[k]));
        if (keys.length === 0 || this.random() < 0.4) break;
        target = target[this.pick(keys)] as Record<string, unknown>;
      }
      const keys = Object.keys(target);
      const r = this.random();
      if (keys.length > 0 && r < 0.6) target[this.pick(keys)] = this.value();
      else if (keys.length > 0 && r < 0.8) delete target[this.pick(keys)];
      else target[this.pick(['node', 'from', 'term', 'zzz', 'messages', 'entries'])] = this.value();
    }
    return copy;
  }

  /** Random bytes, or a valid encoding with bytes flipped, cut or appended. */
  bytes(valid: Buffer): Buffer {
    const r = this.random();
    if (r < 0.3) return Buffer.from(Array.from({ length: this.int(200) }, () => this.int(256)));
    const b = Buffer.from(valid);
    if (r < 0.7) {
      for (let i = 1 + this.int(4); i > 0 && b.length > 0; i--) b[this.int(b.length)] = this.int(256);
      return b;
    }
    if (r < 0.85) return b.subarray(0, this.int(b.length + 1));
    return Buffer.concat([b, Buffer.from(Array.from({ length: this.int(30) }, () => this.int(256)))]);
  }
}

/**
 * Turns fuzz into what a handler really receives: an object encoded with the
 * method's protobuf type and decoded again (as grpc-js does on the wire). Null
 * when encoding or decoding refuses it: the framework rejects such input
 * before any handler runs.
 */
export function decoded(service: ServiceName, method: string, f: Fuzzer, valid: unknown): unknown | null {
  const def = serviceDefinition(service)[method]!;
  const r = f.random();
  try {
    if (r < 0.45) return def.requestDeserialize(def.requestSerialize(f.mutate(valid)));
    if (r < 0.6) return def.requestDeserialize(def.requestSerialize(f.value()));
    return def.requestDeserialize(f.bytes(def.requestSerialize(valid)));
  } catch {
    return null;
  }
}
