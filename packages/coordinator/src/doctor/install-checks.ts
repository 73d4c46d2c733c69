import { describeGroups, fail, groupBy, pass, reported, warn, type CheckResult, type DoctorInput } from './check.js';

/** DESIGN §9: the WHMCS install itself, as the agents read it from the install path. */
export function installChecks(input: DoctorInput): CheckResult[] {
  return [installPath(input), configIdentical(input), sessionHandling(input), templatesExcluded(input), trustedProxies(input)];
}

/** The licence checks the directory: every node must serve WHMCS from the same path string. */
export function installPath(input: DoctorInput): CheckResult {
  const title = 'same install path on every node';
  const nodes = reported(input);
  const groups = groupBy(nodes, (n) => n.report.installPath);
  if (groups.size === 1) return pass('install-path', title, `${[...groups.keys()][0]} on ${nodes.map((n) => n.name).join(', ')}`);
  return fail('install-path', title, describeGroups(groups), 'install WHMCS at the same path on every node (the licence checks the directory) and set files.root to it in each agent.yaml');
}

/** A configuration.php that differs (database, encryption hash) breaks the cluster in ways that show only after a failover. */
export function configIdentical(input: DoctorInput): CheckResult {
  const title = 'identical configuration.php';
  const nodes = reported(input);
  const unreadable = nodes.filter((n) => !n.report.whmcs || n.report.whmcs.configError || !n.report.whmcs.configDigest);
  if (unreadable.length) {
    const why = unreadable.map((n) => `${n.name}: ${n.report.whmcs ? n.report.whmcs.configError || 'no digest' : 'the agent does not report it (upgrade the agent)'}`).join('; ');
    return fail('config-identical', title, why, 'make configuration.php readable by the agent in the install path on every node');
  }
  const groups = groupBy(nodes, (n) => n.report.whmcs!.configDigest);
  if (groups.size === 1) return pass('config-identical', title, `sha256 ${[...groups.keys()][0]!.slice(0, 12)} on ${nodes.map((n) => n.name).join(', ')}`);
  return fail('config-identical', title, `differs: ${describeGroups(groups, (d) => d.slice(0, 12))}`, 'copy configuration.php from the active node to the others (it is the same file on every node)');
}

/** Sessions in files die with the node; in the database they survive a failover. */
export function sessionHandling(input: DoctorInput): CheckResult {
  const title = "$session_handling = 'database'";
  const nodes = reported(input).filter((n) => n.report.whmcs && !n.report.whmcs.configError);
  const bad = nodes.filter((n) => n.report.whmcs!.sessionHandling !== 'database');
  if (nodes.length === 0) return fail('session-handling', title, 'no node reports its configuration.php', "make configuration.php readable by the agent, with $session_handling = 'database';");
  if (bad.length === 0) return pass('session-handling', title, `database on ${nodes.map((n) => n.name).join(', ')}`);
  const what = bad.map((n) => `${n.name}: ${n.report.whmcs!.sessionHandling ? `'${n.report.whmcs!.sessionHandling}'` : 'not set (WHMCS then keeps sessions in files)'}`).join('; ');
  return fail('session-handling', title, what, "add $session_handling = 'database'; to configuration.php on every node so sessions survive a failover");
}

/** templates_c is a per-node Smarty cache: syncing it races with the other node's compiler. */
export function templatesExcluded(input: DoctorInput): CheckResult {
  const title = 'templates_c excluded from the file sync';
  const nodes = reported(input).filter((n) => n.report.whmcs && !n.report.whmcs.configError);
  if (nodes.length === 0) return fail('templates-excluded', title, 'no node reports its configuration.php', 'make configuration.php readable by the agent');
  const bad = nodes.filter((n) => !n.report.whmcs!.templatesExcluded);
  if (bad.length === 0) return pass('templates-excluded', title, nodes.map((n) => `${n.name}: ${n.report.whmcs!.templatesDir}`).join('; '));
  return fail(
    'templates-excluded',
    title,
    bad.map((n) => `${n.name}: ${n.report.whmcs!.templatesDir} is synced`).join('; '),
    'add the template compile directory ($templates_compiledir) to files.exclude in agent.yaml, or move it outside the install path',
  );
}

/** Behind a load balancer WHMCS sees the LB's address unless it is a trusted proxy: a reminder, it cannot be read from outside WHMCS. */
export function trustedProxies(input: DoctorInput): CheckResult {
  const lbs = input.lbAddresses.length ? input.lbAddresses.join(', ') : "the load balancer's address";
  return warn(
    'trusted-proxies',
    'WHMCS Trusted Proxies (reminder)',
    'cannot be read from outside WHMCS; without it every client appears to come from the load balancer',
    `in WHMCS: Configuration > System Settings > General Settings > Security > Trusted Proxies, add ${lbs}`,
  );
}
