import { InputError } from '../../packages/shared/src/errors.js';
import { ClaimedElsewhere } from './lab-claim.js';
import { labDown, labStatus, labUp, type Output } from './lab.js';
import { labDirFromEnv, labIdFromEnv, labLayout, type LabLayout } from './layout.js';
import { PreflightError } from './preflight.js';
import type { LabState } from './state-file.js';

const USAGE = `usage: pnpm lab up|status|down [--json]
  up      start the lab (network namespaces web001 web002 lb1 witness; MariaDB, PHP-FPM, nginx, rsync)
  status  show what runs (--json: state.json plus liveness)
  down    stop exactly the processes the lab started and remove its namespaces
environment: WHA_LAB_ID=N (1-254, default 1) runs an independent lab in .lab-N/ (WHA_LAB_DIR=/abs/path: elsewhere);
  WHA_LAB_HA=1 also starts whmcs-ha`;

const out: Output = {
  info: (m) => console.log(m),
  warn: (m) => console.error(`warning: ${m}`),
};

function describe(layout: LabLayout, state: LabState): string {
  const rel = (p: string) => (p.startsWith(`${layout.repoRoot}/`) ? p.slice(layout.repoRoot.length + 1) : p);
  const lines = [
    `lab ${state.labId}: bridge ${state.bridge}, subnet ${state.subnet}, host address ${state.rootAddress}`,
    ...state.hosts.map(
      (h) => `  ${h.name.padEnd(8)} ${h.address.padEnd(14)} netns ${h.netns.padEnd(16)} ${h.processes.map((p) => `${p.name}:${p.pid}`).join(' ')}`,
    ),
    `  install path (same on both web nodes): ${state.installPath}`,
    `  state: ${rel(layout.stateFile)}   secrets: ${rel(layout.secretsDir)}/   logs: ${rel(layout.logsDir)}/`,
    `LB URL: ${state.lbUrl}`,
    `whmcs-hactl: pnpm hactl --config ${rel(state.hactlConfig)} status${state.haProcesses ? '' : '   (coordinators are not started in the lab yet: WHA_LAB_HA=1 turns them on)'}`,
  ];
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const json = rest.includes('--json');
  const unknown = rest.filter((a) => a !== '--json');
  if (!cmd || !['up', 'status', 'down'].includes(cmd) || unknown.length > 0) {
    throw new InputError(cmd && ['up', 'status', 'down'].includes(cmd) ? unknown[0]! : 'command', cmd ? `unknown: ${[cmd, ...unknown].join(' ')}\n${USAGE}` : USAGE, 'pnpm lab');
  }
  const layout = labLayout(labIdFromEnv(), undefined, labDirFromEnv());
  if (cmd === 'up') {
    const r = await labUp(layout, out);
    if (r.outcome === 'already-running') {
      console.log(`lab ${layout.id} is already running; nothing changed. \`pnpm lab status\` shows it, \`pnpm lab down\` stops it.`);
      console.log(describe(layout, r.state));
      return 0;
    }
    console.log(describe(layout, r.state));
    console.log(`lab up took ${(r.ms / 1000).toFixed(1)} s`);
    return 0;
  }
  if (cmd === 'down') {
    if ((process.getuid?.() ?? 0) !== 0) {
      throw new PreflightError('the lab needs root to stop its processes and remove its namespaces: sudo pnpm lab down');
    }
    const r = await labDown(layout, out);
    console.log(`lab ${layout.id} is down: stopped ${r.stopped} process(es), removed its namespaces and bridge (${(r.ms / 1000).toFixed(1)} s)`);
    return 0;
  }
  const s = await labStatus(layout);
  if (json) {
    console.log(JSON.stringify({ running: Boolean(s.state) && s.dead.length === 0, ...s }, null, 2));
  } else if (!s.state) {
    console.log(`lab ${layout.id} is not running (\`pnpm lab up\` starts it)`);
  } else {
    console.log(describe(layout, s.state));
    for (const n of s.nodes) {
      console.log(`  ${n.name}: ${n.error ? `MariaDB unreachable: ${n.error}` : `read_only=${n.readOnly ? 'ON' : 'OFF'}, replica ${n.replication}`}`);
    }
    console.log(s.dead.length === 0 ? `all ${s.alive} processes alive` : `NOT RUNNING: ${s.dead.join(', ')}`);
  }
  if (!s.state) return 3;
  return s.dead.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof InputError) {
      console.error(`error: ${e.message}`);
      process.exit(2);
    }
    if (e instanceof PreflightError || e instanceof ClaimedElsewhere) {
      console.error(`error: ${e.message}`);
      process.exit(1);
    }
    console.error(e instanceof Error ? `error: ${e.message}` : e);
    process.exit(1);
  },
);
