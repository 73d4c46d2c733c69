import type { Command, CommandResult, Lease, Report } from '@whmcs-ha/shared';

/**
 * What the coordinator's leader logic needs from Raft and from the agent
 * streams, as two small ports: the real RaftNode and AgentLinkServer in
 * production, fakes in unit tests of pure orchestration.
 */
export interface ConsensusPort {
  /** resolves once the entry is committed and applied locally */
  propose(data: Uint8Array): Promise<{ index: number; term: number }>;
  status(): { id: string; role: string; term: number; commitIndex: number; leaderId: string | null; leaseValid: boolean };
}

export interface AgentPort {
  latest(node: string): { report: Report; receivedAt: number } | null;
  connected(node: string): boolean;
  sendCommand(node: string, command: Command, timeoutMs: number): Promise<CommandResult>;
  sendLease(node: string, lease: Lease): boolean;
}
