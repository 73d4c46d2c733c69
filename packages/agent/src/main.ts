#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=1 --lite-mode
import { createLogger, InputError, loadAgentConfig, logProcessWarnings, runMain } from '@whmcs-ha/shared';
import { Agent, AGENT_VERSION } from './agent.js';
import { cronGate } from './cron-gate.js';
import { formatListing, Manifest } from './files/manifest.js';

const DEFAULT_CONFIG = '/etc/whmcs-ha/agent.yaml';

const USAGE = `usage:
  whmcs-ha-agent [--config FILE]                      run the agent
  whmcs-ha-agent cron [--config FILE] -- CMD [ARG...]  run CMD only on the active node with a fresh lease
  whmcs-ha-agent manifest [--config FILE]             print the file manifest (for diffs between nodes)
  whmcs-ha-agent --version`;

/** Splits `[sub] [--config F] [-- rest]`; unknown flags are an InputError naming them. */
export function parseArgs(argv: string[]): { sub: string; config: string; rest: string[] } {
  const dash = argv.indexOf('--');
  const head = dash >= 0 ? argv.slice(0, dash) : argv;
  const rest = dash >= 0 ? argv.slice(dash + 1) : [];
  let sub = 'run';
  let config = DEFAULT_CONFIG;
  for (let i = 0; i < head.length; i++) {
    const a = head[i]!;
    if (a === '--config') {
      const v = head[++i];
      if (!v) throw new InputError('--config', 'needs a file name');
      config = v;
    } else if (a.startsWith('--config=')) config = a.slice('--config='.length);
    else if (!a.startsWith('-') && i === 0 && ['run', 'cron', 'manifest'].includes(a)) sub = a;
    else throw new InputError(a.startsWith('-') ? a : 'command', `unknown ${a.startsWith('-') ? 'option' : 'subcommand'} ${a}\n${USAGE}`);
  }
  return { sub, config, rest };
}

async function main(argv: string[]): Promise<number | void> {
  if (argv.includes('--version')) {
    process.stdout.write(`whmcs-ha-agent ${AGENT_VERSION}\n`);
    return 0;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { sub, config, rest } = parseArgs(argv);
  if (sub === 'cron') {
    if (!rest.length) throw new InputError('command', `cron needs a command after --\n${USAGE}`);
    const cfg = loadAgentConfig(config);
    return cronGate(cfg.node, cfg.dataDir, rest, { lockFile: cfg.cron.lockFile });
  }
  if (rest.length) throw new InputError('--', `only the cron subcommand takes a command`);
  const cfg = loadAgentConfig(config);
  if (sub === 'manifest') {
    const m = new Manifest({ root: cfg.files.root, excludes: cfg.effectiveExcludes, debounceMs: cfg.files.debounceMs });
    const st = await m.scan();
    process.stdout.write(formatListing(m.listing()));
    process.stdout.write(`# root ${st.rootDigest} files ${st.fileCount} bytes ${st.totalBytes}\n`);
    return 0;
  }
  const logger = createLogger('whmcs-ha-agent');
  logProcessWarnings(logger);
  const agent = new Agent(cfg, logger);
  await agent.start();
  logger.info({ node: cfg.node, coordinators: cfg.coordinators.map((c) => c.address) }, 'agent started');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info('stopping');
  await agent.stop();
  return 0;
}

runMain(main);
