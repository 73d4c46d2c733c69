/**
 * LB apply time: NginxWriter.apply (render -> stage -> nginx -t on a staged copy -> atomic rename ->
 * reload -> verify through the LB) on a real nginx on loopback, switching between two backends;
 * baseline: what a bare script does, `nginx -t` then `nginx -s reload` on the live file.
 */
import { NginxWriter } from '../packages/coordinator/src/lb/nginx-writer.js';
import { runProgram } from '../packages/coordinator/src/lb/run-program.js';
import { startLoopbackNginx } from '../packages/coordinator/test/support/loopback-nginx.js';
import type { Figure } from './figure.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function lbBench(runs = Number(process.env.BENCH_LB_RUNS ?? 10)): Promise<Figure[]> {
  const ng = await startLoopbackNginx('bench-lb');
  const { conf, upstreamFile, lbPort: lb, args } = ng;
  try {
    const writer = new NginxWriter({
      upstreamFile,
      upstreamName: 'whmcs_backend',
      nginxBinary: '/usr/sbin/nginx',
      nginxConfig: conf,
      nginxArgs: args,
      verifyUrl: `http://127.0.0.1:${lb}/`,
      verifyTimeoutMs: 15_000,
    });
    const nodes = ng.nodes();
    const apply: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await writer.apply({ nodes, targets: [i % 2 === 0 ? 'web002' : 'web001'], epoch: i + 2, reason: 'bench' });
      apply.push(performance.now() - t0);
      const t1 = performance.now();
      const t = await runProgram('/usr/sbin/nginx', [...args, '-c', conf, '-t']);
      const r = await runProgram('/usr/sbin/nginx', [...args, '-c', conf, '-s', 'reload']);
      if (t.code !== 0 || r.code !== 0) throw new Error(`nginx -t / reload failed: ${t.stderr}${r.stderr}`);
      bare.push(performance.now() - t1);
      await new Promise((res) => setTimeout(res, 200));
    }
    const a = median(apply);
    const b = median(bare);
    return [
      {
        area: 'lb',
        name: 'LB apply (NginxWriter.apply: stage, nginx -t on a copy, rename, reload, verify through the LB)',
        value: a,
        unit: 'ms',
        text: `median of ${runs}, max ${Math.max(...apply).toFixed(0)} ms`,
        baseline: { name: 'nginx -t + nginx -s reload (no staging, no verify)', value: b, unit: 'ms' },
        ratio: a / b,
      },
    ];
  } finally {
    await ng.stop();
  }
}
