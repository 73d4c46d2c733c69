/** Stops a timer started by a RaftClock. */
export type Cancel = () => void;

/**
 * Time as the driver sees it, injected so a test can drive it: a monotonic
 * clock (ticks are counted from it, so wall-clock jumps do not matter) and the
 * timers the driver needs.
 */
export interface RaftClock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Calls `f` every `ms` until cancelled (the ticker). */
  every(ms: number, f: () => void): Cancel;
  /** Calls `f` once after `ms` unless cancelled (request timeouts). */
  after(ms: number, f: () => void): Cancel;
  /** Calls `f` once the current turn of the event loop is done, so work that arrives meanwhile is taken in one pass. */
  soon(f: () => void): void;
}

/** performance.now() and Node's timers. */
export const systemClock: RaftClock = {
  now: () => performance.now(),
  every: (ms, f) => {
    const t = setInterval(f, ms);
    return () => clearInterval(t);
  },
  after: (ms, f) => {
    const t = setTimeout(f, ms);
    return () => clearTimeout(t);
  },
  soon: (f) => {
    setImmediate(f);
  },
};
