import type { CommandResult } from '@whmcs-ha/shared';

/**
 * Results by command id, bounded (oldest dropped first). A command still
 * running is cached as its promise, so a repeat that arrives mid-run waits
 * for the same outcome instead of running it twice.
 */
export class ResultCache {
  private readonly map = new Map<string, Promise<CommandResult>>();

  constructor(private readonly max = 256) {}

  get(id: string): Promise<CommandResult> | undefined {
    return this.map.get(id);
  }

  set(id: string, result: Promise<CommandResult>): void {
    this.map.delete(id);
    this.map.set(id, result);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  delete(id: string): void {
    this.map.delete(id);
  }

  get size(): number {
    return this.map.size;
  }
}
