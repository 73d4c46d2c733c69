import type { ClusterStatus } from '@whmcs-ha/shared';

type NodeStatus = ClusterStatus['nodes'][number];

/** One node as a coordinator reports it: healthy, replicating, in sync; `over` replaces any part. */
export function nodeStatus(name: string, role: string, readOnly: boolean, over: Partial<NodeStatus> = {}): NodeStatus {
  return {
    name,
    role,
    healthy: true,
    problem: null,
    lastReportAgeMs: 120,
    mysql: { up: true, readOnly, ioRunning: true, sqlRunning: true, lagSeconds: 0, gtidExecuted: '1-1-10', semiSync: 'on', serverId: 1, lastError: '' },
    phpFpm: { up: true, activeProcesses: 1, listenQueue: 0 },
    files: { digest: 'd0', inSync: true, syncing: false },
    probe: { up: true, error: '' },
    ...over,
  };
}

/** A whole status object (every field of DESIGN §11 and the rest) around `nodes`; `over` replaces any field. */
export function clusterStatus(nodes: NodeStatus[], over: Partial<ClusterStatus> = {}): ClusterStatus {
  return {
    mode: 'active-passive',
    active: 'web001',
    epoch: 3,
    paused: false,
    pausedReason: null,
    blockedUntil: null,
    maintenance: [],
    serving: [],
    operation: null,
    excluded: {},
    leader: { id: 'lb1', term: 2 },
    fromLeader: true,
    answeredBy: 'lb1',
    coordinators: [{ id: 'lb1', role: 'leader', term: 2, commitIndex: 9, reachable: true }],
    nodes,
    lastDecision: null,
    lb: null,
    failoversTotal: 0,
    lastFailover: null,
    ...over,
  };
}
