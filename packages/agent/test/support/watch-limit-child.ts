/**
 * Run inside `unshare -Ur` (a user namespace of its own): lowers this
 * namespace's inotify watch limit, starts a Manifest on argv[2] and prints
 * its state as JSON once the scan is done and the watch error is seen (or after 5 s).
 */
import { writeFileSync } from 'node:fs';
import { Manifest } from '../../src/files/manifest.js';

writeFileSync('/proc/sys/user/max_inotify_watches', '3');
const m = new Manifest({ root: process.argv[2]!, excludes: [], debounceMs: 20, fallbackRescanMs: 200 });
await m.start();
const deadline = Date.now() + 5000;
while (!m.state().error && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
process.stdout.write(`${JSON.stringify(m.state())}\n`);
await m.close();
process.exit(0);
