import type { DoctorReport } from '@whmcs-ha/shared';
import type { CheckResult, DoctorInput } from './check.js';
import { coordinatorChecks } from './coordinator-checks.js';
import { installChecks } from './install-checks.js';
import { mysqlChecks } from './mysql-checks.js';
import { phpFpmChecks } from './php-fpm-checks.js';

/** `whmcs-hactl check`: every check of DESIGN §9, pure over the reports; ok unless one fails. */
export function runDoctor(input: DoctorInput): DoctorReport {
  const checks = [...coordinatorChecks(input), ...installChecks(input), ...mysqlChecks(input), ...phpFpmChecks(input)];
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const c of checks) counts[c.status]++;
  return { ok: counts.fail === 0, counts, checks };
}

export type { CheckResult, DoctorInput };
