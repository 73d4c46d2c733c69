import { describe, expect, it } from 'vitest';
import { parsePeerStatus } from '../../src/cluster/peer-views.js';

describe('parsePeerStatus', () => {
  const status = (nodes: unknown[], lb: unknown = null) => JSON.stringify({ lb, nodes });

  it('dates a peer report by its age and reads semi-sync "async" as a fallback', () => {
    const v = parsePeerStatus(
      status([
        { name: 'web001', lastReportAgeMs: 300, probe: { up: true, error: '' }, mysql: { up: true, gtidExecuted: '1-1-9', semiSync: 'async' } },
        { name: 'web002', lastReportAgeMs: 100, probe: null, mysql: { up: true, gtidExecuted: '2-2-3', semiSync: 'on' } },
      ], { kind: 'nginx' }),
      10_000,
    );
    expect(v.hasLb).toBe(true);
    expect(v.nodes.web001).toEqual({ probe: { up: true, error: '' }, mysql: { at: 9_700, gtidExecuted: '1-1-9', semiSyncOff: true } });
    expect(v.nodes.web002!.mysql!.semiSyncOff).toBe(false);
    expect(v.nodes.web002!.probe).toBeNull();
  });

  it('takes no MySQL view from a node whose MySQL is down or that never reported', () => {
    const v = parsePeerStatus(
      status([
        { name: 'web001', lastReportAgeMs: 50, probe: null, mysql: { up: false, gtidExecuted: '', semiSync: 'off' } },
        { name: 'web002', lastReportAgeMs: null, probe: null, mysql: { up: true, gtidExecuted: '', semiSync: 'async' } },
      ]),
      1_000,
    );
    expect(v.hasLb).toBe(false);
    expect(v.nodes.web001!.mysql).toBeNull();
    expect(v.nodes.web002!.mysql).toBeNull();
  });

  it('throws on an answer that is not JSON (the caller counts it as no evidence)', () => {
    expect(() => parsePeerStatus('{', 0)).toThrow();
  });
});
