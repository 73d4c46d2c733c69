import { readFile } from 'node:fs/promises';
import type { LabLayout } from './layout.js';
import { isAlive, stopProcess } from './process.js';
import { run, waitFor } from './run.js';

/** Names of the network namespaces that exist now. */
export async function listNetns(): Promise<string[]> {
  const r = await run(['ip', '-json', 'netns', 'list'], { allowFailure: true });
  if (r.code !== 0 || !r.stdout.trim()) return [];
  return (JSON.parse(r.stdout) as Array<{ name: string }>).map((n) => n.name);
}

export async function linkExists(name: string): Promise<boolean> {
  const r = await run(['ip', 'link', 'show', 'dev', name], { allowFailure: true });
  return r.code === 0;
}

/** True when any piece of this lab's network (a namespace or the bridge) exists. */
export async function networkExists(layout: LabLayout): Promise<boolean> {
  const ns = await listNetns();
  return layout.hosts.some((h) => ns.includes(h.netns)) || (await linkExists(layout.bridge));
}

/**
 * The bridge with one address for the root namespace, and one namespace per host joined by a veth.
 * No default route anywhere and no forwarding: the subnet exists only between these namespaces and the host.
 */
export async function createNetwork(layout: LabLayout): Promise<void> {
  const ip = (...args: string[]) => run(['ip', ...args]);
  await ip('link', 'add', layout.bridge, 'type', 'bridge');
  await ip('addr', 'add', `${layout.rootAddress}/${layout.prefixLength}`, 'dev', layout.bridge);
  await ip('link', 'set', layout.bridge, 'up');
  await openBridgeForwarding(layout);
  for (const h of layout.hosts) {
    await ip('netns', 'add', h.netns);
    // the host end carries the namespace's name; the peer is born inside the namespace as eth0
    await ip('link', 'add', h.netns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.netns);
    await ip('link', 'set', h.netns, 'master', layout.bridge);
    await ip('link', 'set', h.netns, 'up');
    await ip('-n', h.netns, 'addr', 'add', `${h.address}/${layout.prefixLength}`, 'dev', 'eth0');
    await ip('-n', h.netns, 'link', 'set', 'lo', 'up');
    await ip('-n', h.netns, 'link', 'set', 'eth0', 'up');
  }
}

/**
 * With br_netfilter loaded (Docker does this) bridged frames pass the iptables FORWARD chain, whose policy
 * may be DROP: then the lab's hosts could not reach each other. One ACCEPT rule for traffic that enters and
 * leaves this lab's bridge (so it never lets anything out of the lab), tagged with the lab id for `down`.
 */
function forwardRule(layout: LabLayout): string[] {
  return ['FORWARD', '-i', layout.bridge, '-o', layout.bridge, '-m', 'comment', '--comment', `whmcs-ha-lab-${layout.id}`, '-j', 'ACCEPT'];
}

async function bridgeNetfilterOn(): Promise<boolean> {
  try {
    return (await readFile('/proc/sys/net/bridge/bridge-nf-call-iptables', 'utf8')).trim() === '1';
  } catch {
    return false;
  }
}

export async function openBridgeForwarding(layout: LabLayout): Promise<boolean> {
  if (!(await bridgeNetfilterOn())) return false;
  const check = await run(['iptables', '-w', '-C', ...forwardRule(layout)], { allowFailure: true }).catch(() => undefined);
  if (!check) return false; // no iptables binary: nothing filters through it either
  if (check.code !== 0) await run(['iptables', '-w', '-I', ...forwardRule(layout)]);
  return true;
}

async function closeBridgeForwarding(layout: LabLayout): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const r = await run(['iptables', '-w', '-D', ...forwardRule(layout)], { allowFailure: true }).catch(() => undefined);
    if (!r || r.code !== 0) return;
  }
}

/** Pids still inside one of this lab's namespaces (only processes of this lab can be there). */
export async function pidsInNetns(netns: string): Promise<number[]> {
  const r = await run(['ip', 'netns', 'pids', netns], { allowFailure: true });
  if (r.code !== 0) return [];
  return r.stdout
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((p) => Number.isInteger(p) && isAlive(p));
}

/**
 * Removes this lab's namespaces, veths and bridge (only the names of this lab id). A process left inside
 * a namespace would keep it (and its veth) alive after `ip netns del`, so stragglers are stopped first.
 */
export async function destroyNetwork(layout: LabLayout, warn: (msg: string) => void): Promise<void> {
  const existing = await listNetns();
  for (const h of layout.hosts) {
    if (!existing.includes(h.netns)) continue;
    const stragglers = await pidsInNetns(h.netns);
    if (stragglers.length > 0) {
      warn(`${h.name}: stopping ${stragglers.length} process(es) the lab did not record: ${stragglers.join(' ')}`);
      await Promise.all(stragglers.map((p) => stopProcess(p, undefined, 5000)));
    }
    await run(['ip', 'netns', 'del', h.netns]);
  }
  // a veth goes with its namespace, but asynchronously: delete what is still there, then check
  for (const name of [...layout.hosts.map((h) => h.netns), layout.bridge]) {
    if (await linkExists(name)) await run(['ip', 'link', 'del', 'dev', name], { allowFailure: true });
  }
  if (await bridgeNetfilterOn()) await closeBridgeForwarding(layout);
  for (const name of [...layout.hosts.map((h) => h.netns), layout.bridge]) {
    await waitFor(`link ${name} to go`, async () => !(await linkExists(name)), 5000);
  }
}
