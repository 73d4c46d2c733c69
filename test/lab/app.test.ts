import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../deploy/lab/run.js';
import { msUntil, sqlValue, testLab, uniqueId } from './lab-client.js';

describe('lab: the stand-in app', () => {
  it('a PHP session created through the LB is a row in the sessions table, on both nodes', async () => {
    const { state, web001, web002 } = testLab();
    const first = await fetch(new URL('session.php', state.lbUrl));
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie') ?? '';
    const sid = /WHMCSHA=([A-Za-z0-9,-]+)/.exec(cookie)?.[1];
    expect(sid, `session cookie in ${cookie}`).toBeTruthy();
    const body = (await first.json()) as { sessionId: string; visits: number };
    expect(body).toMatchObject({ sessionId: sid, visits: 1 });
    expect(await sqlValue(web001, `SELECT session_data FROM whmcs.tblsessions WHERE session_id = '${sid}'`)).toContain('visits|i:1;');
    // the session continues: the handler reads the row back
    const second = await fetch(new URL('session.php', state.lbUrl), { headers: { cookie: `WHMCSHA=${sid}` } });
    expect(((await second.json()) as { visits: number }).visits).toBe(2);
    // and the row replicates, so the other node could continue it after a failover
    await msUntil(async () => (await sqlValue(web002, `SELECT session_data FROM whmcs.tblsessions WHERE session_id = '${sid}'`)).includes('visits|i:2;'), 2000);
  });

  it('GET /health.php checks the database; /read.php reads the local copy', async () => {
    const { state, web002 } = testLab();
    const h = await fetch(new URL('health.php', state.lbUrl));
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ ok: true, node: 'web001', serverId: 1, readOnly: false });
    const h2 = await fetch(`http://${web002.address}/health.php`);
    expect(await h2.json()).toEqual({ ok: true, node: 'web002', serverId: 2, readOnly: true });
    const missing = await fetch(`http://${web002.address}/read.php?id=${uniqueId('nope')}`);
    expect(missing.status).toBe(404);
    const bad = await fetch(new URL('write.php', state.lbUrl), { method: 'POST', body: new URLSearchParams({ id: 'no spaces allowed' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^id:/);
  });

  it('configuration.php is shaped like WHMCS, identical on both nodes, and never served', async () => {
    const { layout, state, web001, web002 } = testLab();
    const a = readFileSync(join(web001.appDir, 'configuration.php'), 'utf8');
    expect(a).toBe(readFileSync(join(web002.appDir, 'configuration.php'), 'utf8'));
    expect(a).toMatch(/\$session_handling = 'database';/);
    expect(a).toMatch(/\$templates_compiledir = 'templates_c';/);
    expect(a).toMatch(/\$db_password = '[0-9a-f]{36}';/);
    expect(a).toContain(readFileSync(state.mysql.passwordFiles.app, 'utf8'));
    expect((await fetch(new URL('configuration.php', state.lbUrl))).status).toBe(403);
    expect((await fetch(new URL('templates_c/index.php', state.lbUrl))).status).toBe(403);
    expect(layout.installPath).toBe(state.installPath);
  });

  it('each node serves its own copy from the same install path (private bind mounts)', async () => {
    const { layout, state, web001, web002 } = testLab();
    // the page writes templates_c/home.cache.php into the copy of the node that served it
    const r = await fetch(state.lbUrl);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('Served by <b>web001</b>');
    const cached = join(web001.appDir, 'templates_c', 'home.cache.php');
    expect(readFileSync(cached, 'utf8')).toContain('compiled on web001');
    expect(() => readFileSync(join(web002.appDir, 'templates_c', 'home.cache.php'))).toThrow();
    // the host's own view of the install path is an empty mount point
    expect((await run(['ls', '-A', layout.installPath])).stdout).toBe('');
    // PHP-FPM of each node sees the path as that node's copy: the script path is the shared one
    for (const w of [web001, web002]) {
      const fpm = state.hosts.find((h) => h.name === w.name)!.processes.find((p) => p.name === 'php-fpm')!;
      const mounts = readFileSync(`/proc/${fpm.pid}/mountinfo`, 'utf8');
      expect(mounts, `${w.name} php-fpm mounts`).toContain(` ${layout.installPath} `);
    }
  });

  it('PHP-FPM answers its ping and status paths', async () => {
    const { web001, web002 } = testLab();
    for (const w of [web001, web002]) {
      const ping = await fetch(`http://${w.address}/fpm-ping`);
      expect(await ping.text()).toBe('pong');
      const status = await (await fetch(`http://${w.address}/fpm-status`)).text();
      expect(status).toMatch(/^pool:\s+whmcs$/m);
    }
  });

  it('each web node exports the app root read-only over rsync (module whmcs)', async () => {
    const { web001, web002 } = testLab();
    for (const w of [web001, web002]) {
      const list = await run(['rsync', '--list-only', `rsync://${w.address}/whmcs/`]);
      expect(list.stdout).toMatch(/ configuration\.php$/m);
      expect(list.stdout).toMatch(/ write\.php$/m);
    }
    // what web002's daemon exports is web002's copy: a file only in web001's copy is not there
    const marker = uniqueId('only-on-web001');
    const { writeFileSync, rmSync } = await import('node:fs');
    writeFileSync(join(web001.appDir, `${marker}.txt`), 'x');
    try {
      expect((await run(['rsync', '--list-only', `rsync://${web001.address}/whmcs/`])).stdout).toContain(marker);
      expect((await run(['rsync', '--list-only', `rsync://${web002.address}/whmcs/`])).stdout).not.toContain(marker);
    } finally {
      rmSync(join(web001.appDir, `${marker}.txt`));
    }
    const upload = await run(['rsync', join(web001.appDir, 'health.php'), `rsync://${web002.address}/whmcs/uploaded.php`], { allowFailure: true });
    expect(upload.code).not.toBe(0);
    expect(upload.stderr).toMatch(/read only/i);
  });
});
