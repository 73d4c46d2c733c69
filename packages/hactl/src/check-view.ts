import type { DoctorAnswer } from '@whmcs-ha/shared';

const MARK = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

/** One line per check, with its fix below it when it does not pass, then a summary line. */
export function renderCheck(r: DoctorAnswer): string {
  const lines: string[] = [];
  for (const c of r.checks) {
    lines.push(`${MARK[c.status]}  ${c.title}: ${c.detail}`);
    if (c.status !== 'pass' && c.fix) lines.push(`      fix: ${c.fix}`);
  }
  lines.push('');
  lines.push(`${r.counts.pass} passed, ${r.counts.warn} warning${r.counts.warn === 1 ? '' : 's'}, ${r.counts.fail} failed${r.answeredBy ? ` (reports as seen by ${r.answeredBy})` : ''}`);
  return lines.join('\n');
}
