#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { InputError, loadCoordinatorConfig, logProcessWarnings, runMain } from '@whmcs-ha/shared';
import { Coordinator } from './cluster/coordinator.js';

const USAGE = 'usage: whmcs-ha-coordinator --config FILE\n  exit codes: 0 stopped cleanly, 1 runtime failure, 2 bad config or arguments';

runMain(async (argv) => {
  let values: { config?: string; version?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { config: { type: 'string' }, version: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    throw new InputError('arguments', `${(e as Error).message}\n${USAGE}`);
  }
  if (values.version) {
    process.stdout.write('whmcs-ha-coordinator 0.1.0\n');
    return 0;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.config) throw new InputError('--config', `is required\n${USAGE}`);
  const cfg = loadCoordinatorConfig(values.config);
  const c = new Coordinator(cfg);
  logProcessWarnings(c.logger);
  // Raft stops itself when it cannot persist; a coordinator that cannot vote safely must not go on serving
  c.raft.on('fatal', (err: Error) => {
    c.logger.fatal({ err: err.message }, 'raft storage failed; exiting so the service manager restarts this coordinator');
    process.exit(1);
  });
  await c.start();
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      c.logger.info({ signal: sig }, 'stopping');
      void c.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
});
