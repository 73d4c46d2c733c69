import { createLogger, grpc } from '@whmcs-ha/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { Backoff } from '../../src/link/backoff.js';
import { CoordinatorLink } from '../../src/link/coordinator-link.js';
import { startLinkServer } from '../support/link-server.js';
import { waitFor } from '../support/process-handle.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** The link's log lines as objects (the agent's real logger, writing to an array). */
function logLines(): { lines: Array<{ level: string; msg: string }>; logger: ReturnType<typeof createLogger> } {
  const lines: Array<{ level: string; msg: string }> = [];
  return { lines, logger: createLogger('link-test', 'debug', { write: (s: string) => void lines.push(JSON.parse(s) as { level: string; msg: string }) }) };
}

describe('coordinator link logging (troubleshooting.md tells operators to read these lines)', () => {
  it('logs up at info and down at warn, and a link that stays down only once above debug', async () => {
    const s = await startLinkServer('c1');
    const { lines, logger } = logLines();
    const link = new CoordinatorLink({
      id: 'c1',
      address: s.address,
      credentials: grpc.credentials.createInsecure(),
      hello: () => ({ node: 'web001', agentVersion: 'test', highestEpoch: 0 }),
      logger,
      backoff: new Backoff(20, 50),
    });
    cleanup.push(() => link.close());
    link.start();
    await waitFor('link up', () => lines.some((l) => l.msg === 'coordinator link to c1 up'), 10_000);
    expect(lines.find((l) => l.msg === 'coordinator link to c1 up')!.level).toBe('info');
    await s.stop();
    await waitFor('link down', () => lines.some((l) => l.msg.startsWith('coordinator link to c1 down:')), 10_000);
    // several reconnect attempts against the dead address
    await waitFor('retries', () => link.reconnects >= 4, 10_000);
    const loud = lines.filter((l) => l.level !== 'debug' && l.msg.startsWith('coordinator link to c1'));
    expect(loud.map((l) => [l.level, l.msg.split(':')[0]])).toEqual([
      ['info', 'coordinator link to c1 up'],
      ['warn', 'coordinator link to c1 down'],
    ]);
    expect(lines.filter((l) => l.level === 'debug' && l.msg.startsWith('coordinator link to c1 still down')).length).toBeGreaterThanOrEqual(2);
  });
});
