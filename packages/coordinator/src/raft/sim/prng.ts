import { mulberry32 } from '@whmcs-ha/shared';

/** Small seeded PRNG (mulberry32): the simulation's only source of randomness. */
export class Prng {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32((seed ^ 0x9e3779b9) >>> 0);
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  /** A child stream, so adding draws in one place does not shift another. */
  fork(): Prng {
    return new Prng(Math.floor(this.next() * 4294967296));
  }
}
