import { describe, expect, it } from 'vitest';
import { InputError, serviceDefinition, type MysqlState } from '@whmcs-ha/shared';
import type { NodeObservation } from '../../src/engine/node-health.js';
import { peerView } from '../../src/cluster/peer-view-service.js';
import { readPeerView } from '../../src/cluster/peer-views.js';
import { healthyReport } from '../engine/engine-harness.js';

/**
 * The peer exchange end to end but for the network: one coordinator's observations -> its Peer.View
 * reply (peer-view-service.ts) -> protobuf bytes and back, as grpc-js carries them -> the asking
 * coordinator's view (peer-views.ts), dated by its own clock.
 */
const wire = serviceDefinition('Peer').View;
const exchange = (nodes: NodeObservation[], hasLb: boolean, answeredAt: number, askedAt: number) =>
  readPeerView(wire.responseDeserialize(wire.responseSerialize(peerView(nodes, hasLb, answeredAt))), askedAt);

/** `name` as the answering coordinator observes it: its latest report arrived `ageMs` before `now` */
function seen(name: string, now: number, ageMs: number | null, mysql: Partial<MysqlState>, probe: NodeObservation['probe'] = null): NodeObservation {
  const r = healthyReport(name, 1);
  return { name, report: { ...r, mysql: { ...r.mysql!, ...mysql } }, receivedAt: ageMs === null ? null : now - ageMs, probe };
}

const semiSync = (primaryEnabled: boolean, primaryStatus: boolean) => ({ primaryEnabled, replicaEnabled: true, primaryStatus, replicaStatus: true, primaryClients: 1 });

describe('the peer view (Peer.View)', () => {
  // the answering coordinator's clock reads 50 000 when the asking one's reads 10 000: ages, not times, cross
  const there = 50_000;

  it('dates a peer report by its age and reads semi-sync enabled but off as a fallback', () => {
    const v = exchange(
      [
        seen('web001', there, 300, { up: true, gtidExecuted: '1-1-9', semiSync: semiSync(true, false) }, { up: true, at: there, error: '' }),
        seen('web002', there, 100, { up: true, gtidExecuted: '2-2-3', semiSync: semiSync(true, true) }),
        seen('web003', there, 100, { up: true, gtidExecuted: '3-3-1', semiSync: semiSync(false, false) }),
      ],
      true,
      there,
      10_000,
    );
    expect(v.hasLb).toBe(true);
    expect(v.nodes.web001).toEqual({ probe: { up: true, error: '' }, mysql: { at: 9_700, gtidExecuted: '1-1-9', semiSyncOff: true } });
    expect(v.nodes.web002!.mysql!.semiSyncOff).toBe(false);
    expect(v.nodes.web002!.probe).toBeNull();
    // semi-sync not enabled at all is no fallback
    expect(v.nodes.web003!.mysql!.semiSyncOff).toBe(false);
  });

  it('passes on a failing probe with its error', () => {
    const v = exchange([seen('web001', there, 100, { up: true }, { up: false, at: there, error: 'HTTP 502' })], true, there, 10_000);
    expect(v.nodes.web001!.probe).toEqual({ up: false, error: 'HTTP 502' });
  });

  it('takes no MySQL view from a node whose MySQL is down or that never reported', () => {
    const v = exchange(
      [
        seen('web001', there, 50, { up: false, gtidExecuted: '', semiSync: null }),
        seen('web002', there, null, { up: true, gtidExecuted: '', semiSync: semiSync(true, false) }),
        { name: 'web003', report: null, receivedAt: null, probe: null },
      ],
      false,
      there,
      1_000,
    );
    expect(v.hasLb).toBe(false);
    expect(v.nodes.web001!.mysql).toBeNull();
    expect(v.nodes.web002!.mysql).toBeNull();
    expect(v.nodes.web003).toEqual({ probe: null, mysql: null });
  });

  it('throws on a malformed reply, naming the field (the caller counts it as no evidence)', () => {
    const bad = (nodes: unknown[]) => () => readPeerView({ hasLb: true, nodes }, 0);
    expect(bad([{ name: 'Web 1', probe: null, mysql: null }])).toThrow(InputError);
    expect(bad([{ name: 'Web 1', probe: null, mysql: null }])).toThrow(/nodes\.0\.name/);
    expect(bad([{ name: 'web001', probe: null, mysql: { ageMs: -5, gtidExecuted: '', semiSyncOff: false } }])).toThrow(/nodes\.0\.mysql\.ageMs/);
    expect(() => readPeerView({ json: '{' }, 0)).toThrow(InputError);
  });
});
