#!/usr/bin/env node
import { InputError, runMain } from '@whmcs-ha/shared';

runMain(async (argv) => {
  if (argv.includes('--version')) {
    process.stdout.write('whmcs-ha-coordinator 0.1.0\n');
    return 0;
  }
  throw new InputError('command', 'not implemented yet');
});
