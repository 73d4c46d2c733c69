/** The doctor's answer as the Check RPC sends it (packages/coordinator/src/doctor). */
export interface DoctorView {
  ok: boolean;
  answeredBy?: string;
  counts: { pass: number; warn: number; fail: number };
  checks: Array<{ id: string; title: string; status: 'pass' | 'warn' | 'fail'; detail: string; fix: string }>;
}

const MARK = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

/** One line per check, with its fix below it when it does not pass, then a summary line. */
export function renderCheck(r: DoctorView): string {
  const lines: string[] = [];
  for (const c of r.checks) {
    lines.push(`${MARK[c.status]}  ${c.title}: ${c.detail}`);
    if (c.status !== 'pass' && c.fix) lines.push(`      fix: ${c.fix}`);
  }
  lines.push('');
  lines.push(`${r.counts.pass} passed, ${r.counts.warn} warning${r.counts.warn === 1 ? '' : 's'}, ${r.counts.fail} failed${r.answeredBy ? ` (reports as seen by ${r.answeredBy})` : ''}`);
  return lines.join('\n');
}
