#!/usr/bin/env node
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { channelCredentials, grpc, InputError, loadHactlConfig, readTlsMaterial, runMain, hostPort, tlsChannelOptions, type OperateAccepted } from '@whmcs-ha/shared';
import { BadReplyError, ControlClient, operateAccepted } from './control-client.js';
import { PKI_USAGE, pkiCommand } from './pki-command.js';
import { renderCheck } from './check-view.js';
import { renderStatus, type HactlStatus } from './status-view.js';

const USAGE = `usage: whmcs-hactl [--config FILE | --endpoint HOST:PORT ...] [--json] COMMAND

commands:
  status                         nodes, coordinators, pause/maintenance/block footer
  switchover [--to NODE]         planned switch of the writer; no acknowledged write is lost
  failover [--to NODE] [--force] move the writer away from a failed active
  maintenance NODE on|off        drain a node (a switchover first if it is the active)
  pause | resume                 stop / restart automatic decisions
  ack                            lift the anti-flapping block after a failover
  sync [NODE]                    order a file sync from the active
  history [--limit N]            recent events
  watch                          live events and decisions
  check                          the doctor: every WHMCS HA prerequisite, pass/warn/fail with a fix
  members                        the coordinators
${PKI_USAGE}

options: --yes (no confirmation), --json, --timeout MS (default 120000 for waits)
exit codes: 0 ok, 1 refused or unhealthy, 2 bad usage or input, 3 no coordinator reachable
config: --config FILE, else $WHMCS_HACTL_CONFIG, else --endpoint flags`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        endpoint: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        yes: { type: 'boolean', short: 'y', default: false },
        to: { type: 'string' },
        force: { type: 'boolean', default: false },
        limit: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new InputError('arguments', `${(e as Error).message}\n${USAGE}`);
  }
}

function endpointsFrom(values: ReturnType<typeof parse>['values']): {
  endpoints: string[];
  timeoutMs: number;
  credentials?: grpc.ChannelCredentials;
  channelOptions?: grpc.ChannelOptions;
} {
  const file = values.config ?? process.env.WHMCS_HACTL_CONFIG;
  // the certificate comes from the config's tls section, also when --endpoint picks the coordinators
  const cfg = file ? loadHactlConfig(file) : null;
  const material = cfg?.tls ? readTlsMaterial(cfg.tls, { roles: ['operator', 'viewer', 'coordinator'] }, cfg.source) : null;
  const credentials = material ? channelCredentials(material) : undefined;
  const channelOptions = tlsChannelOptions(material);
  if (values.endpoint && values.endpoint.length > 0) {
    values.endpoint.forEach((e, i) => {
      if (!hostPort.safeParse(e).success) throw new InputError(`--endpoint[${i}]`, `"${e}" must be host:port`);
    });
    return { endpoints: values.endpoint, timeoutMs: cfg?.timeoutMs ?? 5000, channelOptions, ...(credentials ? { credentials } : {}) };
  }
  if (!cfg) throw new InputError('--config', `no endpoints: give --config FILE, set WHMCS_HACTL_CONFIG, or --endpoint HOST:PORT\n${USAGE}`);
  return { endpoints: cfg.endpoints, timeoutMs: cfg.timeoutMs, channelOptions, ...(credentials ? { credentials } : {}) };
}

function intArg(name: string, raw: string | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError(`--${name}`, `must be an integer ${min}-${max}, got "${raw}"`);
  return n;
}

async function confirm(question: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new InputError('--yes', 'this command changes the cluster; confirm with --yes when there is no terminal to ask on');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new InputError('confirmation', 'not confirmed; nothing was changed');
}

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

runMain(async (argv) => {
  // pki works on files only and has its own flags
  if (argv[0] === 'pki') return pkiCommand(argv.slice(1));
  const { values, positionals } = parse(argv);
  if (values.help || positionals.length === 0) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  const [command, ...rest] = positionals;
  const known = ['status', 'switchover', 'failover', 'maintenance', 'pause', 'resume', 'ack', 'sync', 'history', 'watch', 'members', 'check'];
  if (!known.includes(command!)) throw new InputError('command', `unknown command "${command}"\n${USAGE}`);
  const { endpoints, timeoutMs, credentials, channelOptions } = endpointsFrom(values);
  const client = new ControlClient(endpoints, timeoutMs, credentials, channelOptions);
  try {
    return await run(client, command!, rest, values);
  } finally {
    client.close();
  }
});

async function run(client: ControlClient, command: string, rest: string[], values: ReturnType<typeof parse>['values']): Promise<number> {
  const json = values.json;
  const waitMs = intArg('timeout', values.timeout, 120_000, 1000, 3_600_000);
  const extra = (n: number) => {
    if (rest.length > n) throw new InputError('arguments', `unexpected "${rest.slice(n).join(' ')}" after ${command}`);
  };
  switch (command) {
    case 'status': {
      extra(0);
      const { status: s } = await client.status();
      if (json) out(JSON.stringify(s, null, 2));
      else out(renderStatus(s));
      const unhealthy = s.nodes.some((n) => !n.healthy) || !s.leader.id;
      return unhealthy ? 1 : 0;
    }
    case 'members': {
      extra(0);
      const { status: s, reachable } = await client.status();
      if (json) out(JSON.stringify({ coordinators: s.coordinators, endpoints: reachable }, null, 2));
      else for (const c of s.coordinators) out(`${c.id}\t${c.role}\tterm ${c.term ?? '-'}\tcommit ${c.commitIndex ?? '-'}\t${c.reachable ? 'reachable' : 'UNREACHABLE'}`);
      return 0;
    }
    case 'history': {
      extra(0);
      const limit = intArg('limit', values.limit, 20, 1, 1000);
      const events = await client.history(limit);
      if (json) out(JSON.stringify(events, null, 2));
      else for (const e of events) out(`${new Date(e.at).toISOString()}  epoch ${e.epoch}  ${e.kind.padEnd(18)} ${e.text}`);
      return 0;
    }
    case 'watch': {
      extra(0);
      await client.watch((e) => {
        if (e.kind === 'status') return;
        if (json) out(JSON.stringify({ at: e.atMs, kind: e.kind, text: e.text }));
        else out(`${new Date(e.atMs).toISOString()}  ${e.kind.padEnd(18)} ${e.text}`);
      });
      return 0;
    }
    case 'check': {
      extra(0);
      const r = await client.check();
      if (json) out(JSON.stringify(r, null, 2));
      else out(renderCheck(r));
      return r.ok ? 0 : 1;
    }
    case 'pause':
    case 'resume':
    case 'ack': {
      extra(0);
      if (command === 'pause') await confirm('Pause all automatic failovers?', values.yes);
      return report(await client.operate({ action: command }), json);
    }
    case 'maintenance': {
      extra(2);
      const [node, onoff] = rest;
      if (!node) throw new InputError('NODE', 'maintenance needs a node name');
      if (onoff !== 'on' && onoff !== 'off') throw new InputError('on|off', `expected on or off, got "${onoff ?? ''}"`);
      if (onoff === 'on') await confirm(`Put ${node} in maintenance (drained from the load balancer)?`, values.yes);
      return report(await client.operate({ action: 'maintenance', node, on: onoff === 'on', force: values.force }), json);
    }
    case 'sync': {
      extra(1);
      return report(await client.operate({ action: 'sync', node: rest[0] ?? '' }), json);
    }
    case 'switchover':
    case 'failover': {
      extra(0);
      const to = values.to ?? '';
      await confirm(`${command === 'switchover' ? 'Switch over' : values.force ? 'FORCE a failover' : 'Fail over'} the writer${to ? ` to ${to}` : ''}?`, values.yes);
      const reply = await client.operate({ action: command, node: to, force: values.force });
      if (!reply.accepted) return report(reply, json);
      if (!json) err(reply.message);
      return waitForOperation(client, operateAccepted(reply), waitMs, json);
    }
  }
  return 2;
}

function report(reply: { accepted: boolean; message: string }, json: boolean): number {
  if (json) out(JSON.stringify({ accepted: reply.accepted, message: reply.message }));
  else (reply.accepted ? out : err)(reply.accepted ? reply.message : `refused: ${reply.message}`);
  return reply.accepted ? 0 : 1;
}

/** Shows the step machine's progress until the writer has moved (or the operation was aborted). */
async function waitForOperation(client: ControlClient, started: OperateAccepted, waitMs: number, json: boolean): Promise<number> {
  const deadline = Date.now() + waitMs;
  let lastStep = '';
  const t0 = Date.now();
  while (Date.now() < deadline) {
    let s: HactlStatus;
    try {
      s = (await client.status()).status;
    } catch (e) {
      // a coordinator restarting mid-operation is retried; one that answers out of contract is not
      if (e instanceof BadReplyError) throw e;
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    const op = s.operation;
    if (op) {
      if (op.step !== lastStep && !json) err(`  ${op.kind} ${op.from ?? '(none)'} -> ${op.to}: step ${op.step} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      lastStep = op.step;
    } else if (s.epoch >= started.epoch) {
      // the committed state decides: the writer is the target now, or the operation was aborted
      const ok = started.to ? s.active === started.to : true;
      const events = await client.history(5).catch(() => []);
      const last = [...events].reverse().find((e) => /-(done|aborted)$/.test(e.kind));
      const text = last?.text ?? `active is ${s.active ?? '(none)'} at epoch ${s.epoch}`;
      if (json) out(JSON.stringify({ ok, active: s.active, epoch: s.epoch, event: last?.text ?? null }));
      else (ok ? out : err)(text);
      return ok ? 0 : 1;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  err(`still in progress after ${waitMs} ms; follow it with whmcs-hactl watch`);
  return 1;
}
