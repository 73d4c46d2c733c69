import { fail, pass, type CheckResult, type DoctorInput } from './check.js';

/** A report older than this is too stale to judge the node by. */
export const STALE_REPORT_MS = 15_000;

/** The doctor's own footing: every agent reporting, and a Raft group that survives a failure. */
export function coordinatorChecks(input: DoctorInput): CheckResult[] {
  return [agentsReporting(input), voterCount(input)];
}

export function agentsReporting(input: DoctorInput): CheckResult {
  const title = 'every agent reporting, MySQL up';
  const problems: string[] = [];
  for (const n of input.nodes) {
    if (!n.report) problems.push(`${n.name}: no report received by this coordinator`);
    else if (n.reportAgeMs !== null && n.reportAgeMs > STALE_REPORT_MS) problems.push(`${n.name}: last report ${Math.round(n.reportAgeMs / 1000)} s old`);
    else if (!n.report.mysql?.up) problems.push(`${n.name}: MySQL down (${n.report.mysql?.error || 'no answer'})`);
  }
  if (problems.length) return fail('agents', title, problems.join('; '), 'start whmcs-ha-agent (and MySQL) on the node named and check it reaches every coordinator; the other checks judge only nodes that report');
  return pass('agents', title, input.nodes.map((n) => n.name).join(', '));
}

/** An even group tolerates no more failures than one voter fewer; fewer than three tolerates none. */
export function voterCount(input: DoctorInput): CheckResult {
  const title = 'an odd number of Raft voters, at least 3';
  const n = input.voters.length;
  const detail = `${n} voters: ${input.voters.join(', ')}`;
  if (n >= 3 && n % 2 === 1) return pass('voters', title, `${detail}; survives ${(n - 1) / 2} failure${n > 3 ? 's' : ''}`);
  return fail('voters', title, detail, 'list an odd number of coordinators (3 or 5) in peers of every coordinator.yaml, e.g. add a witness');
}
