import { describe, expect, it } from 'vitest';
import { loadAgentConfig, loadCoordinatorConfig, loadHactlConfig } from '@whmcs-ha/shared';
import { coordinatorHosts, haConfigFiles } from '../../deploy/lab/ha-config.js';
import { mariadbPaths } from '../../deploy/lab/mariadb.js';
import { nginxPaths } from '../../deploy/lab/nginx.js';
import { testLab } from './lab-client.js';

describe('lab: generated whmcs-ha configs load with the shared loaders', () => {
  it('agent.yaml on each web node', () => {
    const { layout, state } = testLab();
    for (const w of layout.web) {
      const cfg = loadAgentConfig(haConfigFiles(layout).agent(w));
      expect(cfg.node).toBe(w.name);
      expect(cfg.files.root).toBe(state.installPath);
      expect(cfg.effectiveExcludes).toContain('templates_c/');
      expect(cfg.mysql.socket).toBe(mariadbPaths(w).socket);
      expect(cfg.mysql.password).toEqual({ file: state.mysql.passwordFiles.monitor });
      expect(cfg.coordinators.map((c) => c.id)).toEqual(['lb1', 'witness', 'web002']);
    }
  });

  it('coordinator.yaml on lb1, witness and web002: three voters, only lb1 owns the LB', () => {
    const { layout } = testLab();
    const voters = coordinatorHosts(layout);
    expect(voters.map((h) => h.name)).toEqual(['lb1', 'witness', 'web002']);
    for (const h of voters) {
      const cfg = loadCoordinatorConfig(haConfigFiles(layout).coordinator(h));
      expect(cfg.id).toBe(h.name);
      expect(cfg.voters).toEqual(['lb1', 'witness', 'web002']);
      expect(cfg.listen).toBe(`${h.address}:7400`);
      expect(cfg.cluster.initialActive).toBe('web001');
      expect(cfg.nodes.map((n) => n.upstream)).toEqual(layout.web.map((w) => `${w.address}:80`));
      if (h.name === 'lb1') {
        expect(cfg.lb?.upstreamFile).toBe(nginxPaths(layout, layout.lb).upstreamFile);
        expect(cfg.lb?.upstreamName).toBe('whmcs_backend');
      } else {
        expect(cfg.lb).toBeUndefined();
      }
    }
  });

  it('.lab hactl.yaml points at the three coordinators', () => {
    const { layout, state } = testLab();
    const cfg = loadHactlConfig(state.hactlConfig);
    expect(state.hactlConfig).toBe(layout.hactlFile);
    expect(cfg.endpoints).toEqual(coordinatorHosts(layout).map((h) => `${h.address}:7400`));
  });
});
