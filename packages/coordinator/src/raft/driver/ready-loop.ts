import type { RaftCore } from '../core/raft-core.js';
import type { Entry, Message, Ready, Snapshot } from '../core/types.js';
import type { RaftStorage } from '../storage/raft-storage.js';

/**
 * What one Ready is carried out against. The production driver, the seeded
 * simulation and the scenario tests each supply their own; the order in which
 * they are used is the same for all three and lives only here.
 */
export interface ReadyPorts {
  storage: Pick<RaftStorage, 'save' | 'compact'>;
  /** Hands messages to the network (called only once the Ready is durable). */
  send(messages: Message[]): void;
  /** The state machine takes a snapshot received from the leader (after it is durable). */
  restore(snapshot: Snapshot): void;
  /** Every committed entry, in index order (noop and conf entries too: the port filters). */
  apply(entry: Entry): void;
  /** Snapshot the state machine and compact the log after this many applied entries; Infinity: never. */
  snapshotEvery: number;
  /** The state machine's bytes at the applied index. */
  snapshot(): Uint8Array;
  /** Told after a compaction is durable. */
  compacted?(snapshot: Snapshot): void;
}

/** The core's next batch of work, or null when it has none. Nothing may be stepped into the core until the Ready is carried out. */
export function takeReady(core: RaftCore): Ready | null {
  return core.hasReady() ? core.ready() : null;
}

/**
 * The one Ready loop body: persist the snapshot, entries and hard state; only
 * then send (a vote or an ack must never leave before what it promises is on
 * disk); then restore the snapshot and apply committed entries (which the core
 * hands out only once they are on our disk); advance; and compact once enough
 * is applied.
 *
 * A generator, so the same body serves a synchronous storage (the simulation
 * must stay deterministic and synchronous) and an asynchronous one (files):
 * it yields whatever the storage returned and the runner waits for it.
 */
function* readySteps(core: RaftCore, rd: Ready, ports: ReadyPorts): Generator<void | Promise<void>, void, void> {
  yield ports.storage.save(rd.hardState, rd.entries, rd.snapshot);
  ports.send(rd.messages);
  if (rd.snapshot) ports.restore(rd.snapshot);
  for (const e of rd.committedEntries) ports.apply(e);
  core.advance(rd);
  if (core.log.applied - core.log.snapshot.index >= ports.snapshotEvery) {
    const snap = core.compact(core.log.applied, ports.snapshot());
    yield ports.storage.compact(snap, core.hardState(), core.log.slice(snap.index + 1, core.log.stable));
    ports.compacted?.(snap);
  }
}

/** Carries out `rd` at once; the storage must be synchronous (MemoryStorage). */
export function runReadySync(core: RaftCore, rd: Ready, ports: ReadyPorts): void {
  for (const wait of readySteps(core, rd, ports)) {
    if (wait instanceof Promise) throw new Error('raft: runReadySync needs a synchronous storage');
  }
}

/**
 * Carries out `rd`, waiting for the storage. Returns false, having done
 * nothing more, if `stopped()` turned true while the storage was busy: a
 * stopped node sends nothing.
 */
export async function runReady(core: RaftCore, rd: Ready, ports: ReadyPorts, stopped: () => boolean): Promise<boolean> {
  const steps = readySteps(core, rd, ports);
  for (let step = steps.next(); !step.done; step = steps.next()) {
    await step.value;
    if (stopped()) return false;
  }
  return true;
}
