import type { CheckResult, Report } from '@whmcs-ha/shared';

// one line of `whmcs-hactl check`: declared once, in packages/shared/src/control-json.ts (the Check RPC's JSON)
export type { CheckResult };

/** What the doctor looks at: the latest report of every node and this coordinator's view of the cluster. */
export interface DoctorInput {
  nodes: Array<{ name: string; report: Report | null; reportAgeMs: number | null }>;
  voters: string[];
  mode: string;
  active: string | null;
  maintenance: string[];
  semiSync: boolean;
  /** addresses the LB reaches the nodes from (for the Trusted Proxies reminder); may be empty */
  lbAddresses: string[];
}

export type ReportedNode = { name: string; report: Report; reportAgeMs: number | null };

export const pass = (id: string, title: string, detail: string): CheckResult => ({ id, title, status: 'pass', detail, fix: '' });
export const warn = (id: string, title: string, detail: string, fix: string): CheckResult => ({ id, title, status: 'warn', detail, fix });
export const fail = (id: string, title: string, detail: string, fix: string): CheckResult => ({ id, title, status: 'fail', detail, fix });

/** Nodes with a report: checks judge what was reported; a missing report is the `agents` check's failure. */
export function reported(input: DoctorInput): ReportedNode[] {
  return input.nodes.filter((n): n is ReportedNode => n.report !== null);
}

/** Groups node names by a value: `{ value: [names] }`, in node order. */
export function groupBy<T extends { name: string }>(nodes: T[], key: (n: T) => string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const n of nodes) {
    const k = key(n);
    m.set(k, [...(m.get(k) ?? []), n.name]);
  }
  return m;
}

/** `web001=/a, web002=/b` */
export function describeGroups(groups: Map<string, string[]>, show: (v: string) => string = (v) => v): string {
  return [...groups].map(([v, names]) => `${names.join(', ')}: ${show(v)}`).join('; ');
}
