import { fail, pass, reported, warn, type CheckResult, type DoctorInput } from './check.js';

/** DESIGN §9: the agent judges PHP-FPM by ping.path and reads the pool by pm.status_path; both must be set in the pool. */
export function phpFpmChecks(input: DoctorInput): CheckResult[] {
  const title = 'PHP-FPM pm.status_path and ping.path set';
  const problems: string[] = [];
  const unknown: string[] = [];
  const ok: string[] = [];
  for (const n of reported(input)) {
    const f = n.report.phpFpm;
    if (!f || f.pingOk === undefined) {
      unknown.push(n.name);
      continue;
    }
    if (!f.pingOk) problems.push(`${n.name}: ping ${f.pingPath} fails (${f.error || 'no answer'})`);
    else if (!f.statusOk) problems.push(`${n.name}: status ${f.statusPath} fails (${f.error || 'no answer'})`);
    else ok.push(`${n.name}: ${f.pingPath}, ${f.statusPath}`);
  }
  if (problems.length) {
    return [
      fail(
        'php-fpm-paths',
        title,
        problems.join('; '),
        'in the WHMCS pool set pm.status_path and ping.path (and ping.response = pong) to the agent\'s phpFpm.statusPath/pingPath, then reload PHP-FPM',
      ),
    ];
  }
  if (unknown.length) return [warn('php-fpm-paths', title, `${unknown.join(', ')}: the agent does not report its PHP-FPM paths`, 'upgrade the agent')];
  return [pass('php-fpm-paths', title, ok.join('; '))];
}
