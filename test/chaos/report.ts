/** The run's outputs: bench/results/chaos-<stamp>.json, a readable summary, and an SVG timeline. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent, Sample } from './cluster.js';
import type { CheckResult } from './checker.js';
import type { Fault } from './nemesis.js';
import type { WriteRecord } from './workload.js';

export interface ChaosReport {
  seed: number;
  labId: number;
  minutes: number;
  /** quiet seconds drawn between a settled fault and the next */
  quietSeconds: readonly [number, number];
  startedAt: string;
  durationS: number;
  semiSync: boolean;
  result: CheckResult;
  faults: Fault[];
  history: HistoryEvent[];
  verdict: { ok: boolean; reasons: string[] };
}

export function verdict(r: CheckResult, availabilityTarget: number): ChaosReport['verdict'] {
  const reasons: string[] = [];
  if (r.lostTotal > 0) reasons.push(`${r.lostTotal} acknowledged write(s) missing`);
  if (r.splitBrain.length > 0) reasons.push(`${r.splitBrain.length} split-brain window(s)`);
  if (r.wrongfulFailovers > 0) reasons.push(`${r.wrongfulFailovers} wrongful failover(s)`);
  if (r.stuck.length > 0) reasons.push(`${r.stuck.length} fault(s) after which the cluster did not settle`);
  if (r.availability.time < availabilityTarget) reasons.push(`availability ${(r.availability.time * 100).toFixed(2)}% < ${availabilityTarget * 100}%`);
  return { ok: reasons.length === 0, reasons };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function summary(rep: ChaosReport): string {
  const r = rep.result;
  const lines = [
    `chaos run: seed ${rep.seed}, lab ${rep.labId}, ${rep.durationS.toFixed(0)} s, semi-sync ${rep.semiSync ? 'on' : 'off'}, ${rep.faults.length} faults, ${rep.quietSeconds.join('-')} s quiet after each settled`,
    `writes: ${r.writes.sent} sent, ${r.writes.acknowledged} acknowledged, ${r.writes.failed} failed or timed out`,
    `lost acknowledged writes: ${r.lostTotal} (final databases: ${Object.entries(r.lost).map(([n, l]) => `${n}: ${l.count}`).join(', ')}; missing on the active while a node was kept out: ${r.lostAtFailover.reduce((a, x) => a + x.count, 0)})`,
    `split-brain windows: ${r.splitBrain.length}`,
    `wrongful failovers: ${r.wrongfulFailovers} of ${r.failovers.length} failovers`,
    `availability: ${pct(r.availability.time)} of seconds (${r.availability.unavailableSeconds} s without an acknowledged write), ${pct(r.availability.requests)} of requests`,
    `outage during faults that should not interrupt clients (the active kept MySQL, PHP-FPM and its LB path): ${s1(r.outageNotExplainedMs)}`,
    `stuck after a fault: ${r.stuck.length}${r.stuck.map((s) => `\n  fault ${s.n} ${s.kind}: ${s.problem}`).join('')}`,
    '',
    'RTO per fault kind (injection -> first acknowledged write after the outage; 0 = no outage > 1 s):',
    ...Object.entries(r.rtoByKind)
      .sort()
      .map(([k, v]) => `  ${k.padEnd(40)} n=${String(v.count).padStart(2)}  median ${s1(v.medianMs).padStart(7)}  max ${s1(v.maxMs).padStart(7)}`),
    '',
    'faults:',
    ...rep.faults.map((f) => {
      const o = r.faults.find((x) => x.n === f.n)!;
      const settle = f.settledAt && f.healedAt ? `settled ${s1(f.settledAt - f.healedAt)} after heal` : `NOT settled: ${f.stuck}`;
      return `  ${String(f.n).padStart(3)} ${f.kind.padEnd(38)} held ${s1((f.healedAt ?? f.injectedAt) - f.injectedAt)}, outage ${s1(o.outageMs)}, ${o.failover ? 'failover' : 'no failover'}, ${settle}${f.operatorActions.length ? `; ${f.operatorActions.join('; ')}` : ''}`;
    }),
  ];
  if (r.failovers.length > 0) {
    lines.push('', 'failovers:');
    for (const f of r.failovers) lines.push(`  ${new Date(f.at).toISOString()} ${f.from} -> ${f.to}: ${f.wrongful ? 'WRONGFUL' : `justified by fault ${f.justifiedBy}`}`);
  }
  for (const w of r.splitBrain) lines.push(`SPLIT BRAIN: ${w.node} took ${w.writes} writes between runs of ${w.between} (${new Date(w.from).toISOString()} .. ${new Date(w.to).toISOString()})`);
  for (const [n, l] of Object.entries(r.lost)) if (l.count > 0) lines.push(`LOST on ${n}: ${l.sample.join(' ')}`);
  for (const l of r.lostAtFailover) lines.push(`LOST after fault ${l.n} (${l.kind}): ${l.count} acknowledged write(s) missing on the active ${l.node}, e.g. ${l.sample.slice(0, 5).join(' ')}`);
  lines.push('', rep.verdict.ok ? 'verdict: OK' : `verdict: FAILED: ${rep.verdict.reasons.join('; ')}`);
  return lines.join('\n');
}

/** A timeline: acknowledged writes per second, the active node, faults as bands, failovers as lines. */
export function timelineSvg(rep: ChaosReport, records: WriteRecord[], samples: Sample[], t0: number): string {
  const W = 1200;
  const secs = Math.max(1, Math.ceil(rep.durationS));
  const x = (t: number) => (((t - t0) / 1000) * (W - 60)) / secs + 50;
  const perSec = new Array<number>(secs + 1).fill(0);
  for (const r of records) if (r.status === 201) perSec[Math.min(secs, Math.max(0, Math.floor((r.ackAt - t0) / 1000)))]! += 1;
  const max = Math.max(1, ...perSec);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="260" font-family="sans-serif" font-size="10">`);
  parts.push(`<text x="5" y="12">chaos seed ${rep.seed}: acknowledged writes/s (green; red = none), active node, faults, failovers</text>`);
  perSec.forEach((n, i) => {
    const h = (n / max) * 80;
    const xx = 50 + (i * (W - 60)) / secs;
    parts.push(`<rect x="${xx.toFixed(1)}" y="${(120 - (n ? h : 80)).toFixed(1)}" width="${Math.max(1, (W - 60) / secs).toFixed(2)}" height="${(n ? h : 80).toFixed(1)}" fill="${n ? '#3a3' : '#d33'}"/>`);
  });
  const colour: Record<string, string> = { web001: '#48c', web002: '#c84' };
  for (let i = 0; i + 1 < samples.length; i++) {
    const s = samples[i]!;
    parts.push(`<rect x="${x(s.at).toFixed(1)}" y="130" width="${Math.max(0.5, x(samples[i + 1]!.at) - x(s.at)).toFixed(1)}" height="14" fill="${s.active ? (colour[s.active] ?? '#888') : '#000'}"/>`);
  }
  parts.push(`<text x="5" y="141">active</text><text x="5" y="165">faults</text>`);
  for (const f of rep.faults) {
    const end = f.healedAt ?? f.injectedAt;
    parts.push(`<rect x="${x(f.injectedAt).toFixed(1)}" y="152" width="${Math.max(1, x(end) - x(f.injectedAt)).toFixed(1)}" height="18" fill="${f.impairsActive ? '#e66' : '#ec6'}"><title>${f.n} ${f.kind}: ${f.description}</title></rect>`);
    parts.push(`<text x="${x(f.injectedAt).toFixed(1)}" y="${182 + (f.n % 4) * 11}" font-size="8">${f.n}:${f.kind}</text>`);
  }
  for (const e of rep.history.filter((h) => h.kind === 'failover-begin' || h.kind === 'failover-done' || h.kind === 'switchover-done')) {
    parts.push(`<line x1="${x(e.at).toFixed(1)}" y1="20" x2="${x(e.at).toFixed(1)}" y2="150" stroke="#000" stroke-dasharray="3,2"><title>${e.text}</title></line>`);
  }
  parts.push(`<text x="5" y="250">web001 = blue, web002 = orange; impairing faults red, others yellow; dashed = failover begin/done. ${secs} s.</text></svg>`);
  return parts.join('\n');
}

export function writeReport(dir: string, rep: ChaosReport, records: WriteRecord[], samples: Sample[], t0: number): { json: string; svg: string; txt: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = rep.startedAt.replace(/[:.]/g, '-');
  const base = join(dir, `chaos-${stamp}-seed${rep.seed}`);
  // not every write (a 30-minute run has ~100k): acknowledgements per second, and every failed write
  const perSecond = new Array<number>(Math.ceil(rep.durationS) + 1).fill(0);
  for (const r of records) if (r.status === 201) perSecond[Math.max(0, Math.min(perSecond.length - 1, Math.floor((r.ackAt - t0) / 1000)))]! += 1;
  const failed = records.filter((r) => r.status !== 201);
  writeFileSync(`${base}.json`, `${JSON.stringify({ ...rep, t0, ackedPerSecond: perSecond, failedWrites: failed, samples }, null, 1)}\n`);
  writeFileSync(`${base}.svg`, timelineSvg(rep, records, samples, t0));
  writeFileSync(`${base}.txt`, `${summary(rep)}\n`);
  return { json: `${base}.json`, svg: `${base}.svg`, txt: `${base}.txt` };
}
