import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LbNode } from '../../src/lb/lb-writer.js';
import { runProgram } from '../../src/lb/run-program.js';
import { freePorts } from './free-port.js';

/**
 * A real nginx on loopback for the LB writer's tests and `pnpm bench`: two "web nodes" (server blocks
 * naming themselves in the x-whmcs-ha-node header) and an LB server proxying to the managed upstream
 * file, which starts out pointing at web001.
 */
export interface LoopbackNginx {
  dir: string;
  conf: string;
  upstreamFile: string;
  lbPort: number;
  web1: number;
  web2: number;
  /** the -p prefix, for every nginx call */
  args: string[];
  nodes(): LbNode[];
  stop(): Promise<void>;
}

export async function startLoopbackNginx(name: string): Promise<LoopbackNginx> {
  const dir = mkdtempSync(join(tmpdir(), `wha-${name}-`));
  const conf = join(dir, 'conf', 'nginx.conf');
  const upstreamFile = join(dir, 'managed', 'upstream.conf');
  const [lbPort, web1, web2] = (await freePorts(3)) as [number, number, number];
  const args = ['-p', dir];
  for (const d of ['conf', 'managed', 'logs']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(
    conf,
    `pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  include ${upstreamFile};
  server { listen 127.0.0.1:${web1}; location / { add_header x-whmcs-ha-node web001 always; return 200 "web001\\n"; } }
  server { listen 127.0.0.1:${web2}; location / { add_header x-whmcs-ha-node web002 always; return 200 "web002\\n"; } }
  server { listen 127.0.0.1:${lbPort}; location / { proxy_pass http://whmcs_backend; } }
}
`,
  );
  writeFileSync(upstreamFile, `upstream whmcs_backend { server 127.0.0.1:${web1}; }\n`);
  const start = await runProgram('/usr/sbin/nginx', [...args, '-c', conf]);
  if (start.code !== 0 || start.stderr !== '') {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx did not start (exit ${start.code}): ${start.stderr}`);
  }
  return {
    dir,
    conf,
    upstreamFile,
    lbPort,
    web1,
    web2,
    args,
    nodes: () => [
      { name: 'web001', upstream: `127.0.0.1:${web1}` },
      { name: 'web002', upstream: `127.0.0.1:${web2}` },
    ],
    stop: async () => {
      await runProgram('/usr/sbin/nginx', [...args, '-c', conf, '-s', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
