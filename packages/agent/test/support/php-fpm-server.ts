import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { startProcess, waitFor, type ProcessHandle } from './process-handle.js';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

export interface PhpFpmServer {
  socket: string;
  port: number;
  pool: string;
  docroot: string;
  proc: ProcessHandle;
  stop(): Promise<void>;
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * A throwaway php-fpm8.2 master in the foreground with two pools: one on a
 * unix socket, one on a loopback TCP port; both with ping and status pages.
 */
export async function startPhpFpm(dir: string): Promise<PhpFpmServer> {
  mkdirSync(dir, { recursive: true });
  const docroot = join(dir, 'www');
  mkdirSync(docroot, { recursive: true });
  writeFileSync(join(docroot, 'health.php'), '<?php echo "ok";\n');
  const socket = join(dir, 'fpm.sock');
  const port = await freePort();
  const pool = (name: string, listen: string) => `
[${name}]
user = root
group = root
listen = ${listen}
pm = static
pm.max_children = 2
pm.status_path = /fpm-status
ping.path = /fpm-ping
ping.response = pong
request_slowlog_timeout = 0
catch_workers_output = yes
`;
  const conf = join(dir, 'php-fpm.conf');
  writeFileSync(
    conf,
    `[global]
pid = ${join(dir, 'fpm.pid')}
error_log = ${join(dir, 'fpm-error.log')}
daemonize = no
${pool('sockpool', socket)}
${pool('tcppool', `127.0.0.1:${port}`)}
`,
  );
  const proc = startProcess('php-fpm8.2', ['-n', '-y', conf, '-F', '-R'], join(dir, 'fpm.out'));
  try {
    await waitFor('php-fpm to listen', async () => {
      if (proc.child.exitCode !== null) throw new Error(`php-fpm exited, see ${dir}/fpm-error.log`);
      return existsSync(socket) && (await tcpOpen(port));
    });
  } catch (e) {
    await proc.stop('SIGQUIT');
    throw e;
  }
  return { socket, port, pool: 'sockpool', docroot, proc, stop: () => proc.stop('SIGQUIT') };
}
