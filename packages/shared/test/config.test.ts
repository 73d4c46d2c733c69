import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, InputErrors, loadCoordinatorConfig, loadAgentConfig, loadHactlConfig } from '@whmcs-ha/shared';

const dir = mkdtempSync(join(tmpdir(), 'wha-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const coordinatorYaml = (peers: string) => `
id: lb1
listen: 127.0.0.1:7400
peers:
${peers}
nodes:
  - { name: web001, upstream: 10.0.0.1:80 }
  - { name: web002, upstream: 10.0.0.2:80 }
insecure: true
`;

function errorOf(fn: () => unknown): InputError | InputErrors {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError || e instanceof InputErrors) return e;
    throw e;
  }
  throw new Error('expected an input error');
}

describe('config loading', () => {
  it('fills defaults and compiles a valid coordinator config', () => {
    const cfg = loadCoordinatorConfig(
      file('ok.yaml', coordinatorYaml('  - { id: lb1, address: 127.0.0.1:7400 }\n  - { id: witness, address: 127.0.0.1:7401 }\n  - { id: voter3, address: 127.0.0.1:7402 }')),
    );
    expect(cfg.voters).toEqual(['lb1', 'witness', 'voter3']);
    expect(cfg.cluster.mode).toBe('active-passive');
    expect(cfg.raft.electionTicks).toBe(10);
    expect(cfg.nodes[0]!.priority).toBe(100);
  });

  it('refuses two voters and says why', () => {
    const e = errorOf(() =>
      loadCoordinatorConfig(file('two.yaml', coordinatorYaml('  - { id: lb1, address: 127.0.0.1:7400 }\n  - { id: witness, address: 127.0.0.1:7401 }'))),
    );
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/two\.yaml: peers: .*odd.*no quorum after one failure/);
  });

  it('names the nested field and the file for a bad value', () => {
    const e = errorOf(() =>
      loadCoordinatorConfig(
        file('badport.yaml', coordinatorYaml('  - { id: lb1, address: 127.0.0.1:99999 }\n  - { id: b, address: 127.0.0.1:1 }\n  - { id: c, address: 127.0.0.1:2 }')),
      ),
    );
    expect(e.message).toContain('badport.yaml: peers[0].address: port must be 1-65535');
  });

  it('rejects unknown keys by name', () => {
    const e = errorOf(() => loadHactlConfig(file('h.yaml', 'endpoints: [127.0.0.1:7400]\nendpionts: []\n')));
    expect(e.message).toMatch(/h\.yaml: .*endpionts/);
  });

  it('reports YAML syntax errors with the line', () => {
    const e = errorOf(() => loadHactlConfig(file('syntax.yaml', 'endpoints:\n  - a\n b: [\n')));
    expect(e.message).toMatch(/syntax\.yaml: line \d+/);
  });

  it('always excludes templates_c/ on agents', () => {
    const cfg = loadAgentConfig(
      file(
        'agent.yaml',
        'node: web001\ncoordinators: [{ id: lb1, address: 127.0.0.1:7400 }]\nphpFpm: { socket: /run/php/fpm.sock }\nfiles: { root: /var/www/whmcs, exclude: ["attachments/"] }\ninsecure: true\n',
      ),
    );
    expect(cfg.effectiveExcludes).toEqual(['templates_c/', 'attachments/']);
    expect(cfg.reportIntervalMs).toBe(1000);
  });

  it('names a missing file as the --config field', () => {
    const e = errorOf(() => loadHactlConfig(join(dir, 'nope.yaml')));
    expect(e.message).toMatch(/--config: cannot read .*nope\.yaml: ENOENT/);
  });
});
