/**
 * The smallest valid coordinator config input for tests that never start Raft: three voters and two
 * web nodes, all on loopback ports nothing listens on. Callers add their security section
 * (`insecure: true` or `tls`) and whatever the test is about.
 */
export function minimalCoordinatorInput(dataDir: string, voters: readonly [string, string, string] = ['lb1', 'witness', 'web002']) {
  return {
    id: voters[0],
    listen: '127.0.0.1:9',
    dataDir,
    peers: voters.map((id) => ({ id, address: '127.0.0.1:9' })),
    nodes: [
      { name: 'web001', upstream: '127.0.0.1:1' },
      { name: 'web002', upstream: '127.0.0.1:2' },
    ],
  };
}
