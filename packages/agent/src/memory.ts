import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * Runs a full garbage collection now. After a full scan of a large tree the
 * heap holds tens of MB of garbage that V8 would keep (and count in RSS) for
 * a long while on an otherwise idle agent; collecting once lets the heap
 * shrink back. Uses V8's gc() exposed at runtime; a no-op if unavailable.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
