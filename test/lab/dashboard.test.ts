/// <reference lib="dom" />
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haConfigFiles, labEndpoints } from '../../deploy/lab/ha-config.js';
import type { LabLayout } from '../../deploy/lab/layout.js';
import { status } from './cluster-client.js';
import { downOwnLab, hactl, settled, untilStatus, upOwnLab } from './own-lab.js';

// The dashboard and /metrics of lb1's coordinator, in Debian's headless Chromium (never a downloaded
// browser), against a lab of this file's own: it switches the writer over and back.

let layout: LabLayout;
let context: BrowserContext;
let profile: string;

const labToken = (which: 'operatorToken' | 'viewerToken') => readFileSync(haConfigFiles(layout)[which], 'utf8').trim();

/** A fresh tab (its own sessionStorage), signed in with `token` through the page's token field. */
async function openDashboard(token: string): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  await page.goto(labEndpoints(layout).dashboardUrl);
  await page.locator('#auth').waitFor({ state: 'visible', timeout: 15_000 });
  await page.locator('#token').fill(token);
  await page.locator('#auth button[type="submit"]').click();
  await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live' && document.body.dataset.epoch !== undefined, null, { timeout: 15_000 });
  return page;
}

/** What the page shows of the cluster: nothing of it may appear without a token. */
const shown = (page: Page) =>
  page.evaluate(() => ({
    active: document.getElementById('active')?.textContent,
    epochAttr: document.body.dataset.epoch ?? null,
    nodes: document.querySelectorAll('#nodes tbody tr').length,
    coordinators: document.querySelectorAll('#coordinators tbody tr').length,
    history: document.querySelectorAll('#history div').length,
    operatorVisible: !(document.getElementById('operator')?.hidden ?? true),
  }));

const roleOf = (page: Page, node: string) => page.locator(`#nodes tr[data-node="${node}"] td[data-field="role"]`).textContent();

async function metrics(): Promise<Map<string, number>> {
  const res = await fetch(labEndpoints(layout).metricsUrl);
  expect(res.status).toBe(200);
  const values = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m) values.set(`${m[1]}${(m[2] ?? '').replace(/,?coordinator="lb1"/, '').replace(/^\{,/, '{').replace(/^\{\}$/, '')}`, Number(m[3]));
  }
  return values;
}

describe('the dashboard and /metrics of lb1 in the lab', () => {
  beforeAll(async () => {
    layout = await upOwnLab('dash');
    await untilStatus(layout, 'the lab settled', settled);
    profile = mkdtempSync(join(tmpdir(), 'wha-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await downOwnLab(layout);
  });

  it('shows no cluster data without a token, nor with a wrong one, and asks for one', async () => {
    const page = await context.newPage();
    await page.goto(labEndpoints(layout).dashboardUrl);
    await page.locator('#auth').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('#token').getAttribute('type')).toBe('password');
    // longer than the server's periodic push: had it sent anything, it would be on the page
    await page.waitForTimeout(2500);
    expect(await shown(page)).toEqual({ active: '-', epochAttr: null, nodes: 0, coordinators: 0, history: 0, operatorVisible: false });
    await page.locator('#token').fill('not-the-viewer-or-operator-token');
    await page.locator('#auth button[type="submit"]').click();
    await page.waitForFunction(() => document.getElementById('auth-result')?.textContent === 'wrong token', null, { timeout: 5000 });
    await page.waitForTimeout(1500);
    expect(await shown(page)).toEqual({ active: '-', epochAttr: null, nodes: 0, coordinators: 0, history: 0, operatorVisible: false });
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.close();
    // and the raw object answers 401 without the bearer header
    const api = await fetch(labEndpoints(layout).dashboardUrl + 'api/status');
    expect(api.status).toBe(401);
    const ok = await fetch(labEndpoints(layout).dashboardUrl + 'api/status', { headers: { authorization: `Bearer ${labToken('viewerToken')}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { active: string }).active).toBe('web001');
  });

  it("shows the lab's real state to the viewer token, without the switchover button", async () => {
    const s = await status(layout);
    const page = await openDashboard(labToken('viewerToken'));
    expect(await page.locator('#active').textContent()).toBe('web001');
    expect(await page.locator('#epoch').textContent()).toBe(String(s.epoch));
    expect(await roleOf(page, 'web001')).toBe('active');
    expect(await roleOf(page, 'web002')).toBe('passive');
    expect(await page.locator('#nodes tr[data-node="web002"] td[data-field="state"]').textContent()).toBe('healthy');
    const coords = await page.locator('#coordinators tbody tr td:first-child').allTextContents();
    expect(coords).toEqual(['lb1', 'web002', 'witness']);
    expect(await page.locator('#leader').textContent()).toContain(s.leader.id!);
    expect(await page.locator('#history div').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.body.dataset.role)).toBe('viewer');
    expect(await page.locator('#switchover').isVisible()).toBe(false);
    expect(await page.locator('#operator').isVisible()).toBe(false);
    // the token is kept in this tab's sessionStorage only, not in the URL or the field
    expect(await page.evaluate(() => sessionStorage.getItem('whmcs-ha-dashboard-token'))).toBe(labToken('viewerToken'));
    expect(page.url()).not.toContain(labToken('viewerToken'));
    expect(await page.locator('#token').inputValue()).toBe('');
    await page.close();
  });

  it('serves /metrics that agree with whmcs-hactl status', async () => {
    const s = await status(layout);
    const m = await metrics();
    const lb1 = s.coordinators.find((c) => c.id === 'lb1')!;
    expect(m.get(`whmcs_ha_raft_role{role="${lb1.role}"}`)).toBe(1);
    expect(m.get('whmcs_ha_raft_term')).toBe(s.leader.term);
    expect(m.get('whmcs_ha_raft_commit_index')).toBeGreaterThanOrEqual(3);
    expect(m.get('whmcs_ha_epoch')).toBe(s.epoch);
    expect(m.get('whmcs_ha_node_active{node="web001"}')).toBe(1);
    expect(m.get('whmcs_ha_node_healthy{node="web001"}')).toBe(1);
    expect(m.get('whmcs_ha_node_healthy{node="web002"}')).toBe(1);
    expect(m.get('whmcs_ha_node_report_age_seconds{node="web002"}')).toBeLessThan(5);
    expect(m.get('whmcs_ha_failovers_total')).toBe(0);
    // lb1's LB applier wrote the upstream at least once (initialisation) through real nginx
    expect(m.get('whmcs_ha_lb_apply_duration_seconds_count')).toBeGreaterThanOrEqual(1);
  });

  it('reflects a switchover within 2 s of whmcs-hactl reporting it done', async () => {
    const page = await openDashboard(labToken('viewerToken'));
    const before = (await status(layout)).epoch;
    const sw = await hactl(layout, ['switchover', '--to', 'web002', '--yes']);
    expect(sw.code, sw.stderr + sw.stdout).toBe(0);
    const t0 = performance.now();
    await page.waitForFunction(() => document.body.dataset.active === 'web002', null, { timeout: 2000 });
    console.log(`[dashboard] showed web002 active ${Math.round(performance.now() - t0)} ms after hactl switchover returned`);
    expect(await roleOf(page, 'web002')).toBe('active');
    expect(Number(await page.locator('#epoch').textContent())).toBeGreaterThan(before);
    expect(await page.locator('#history').textContent()).toMatch(/switchover/);
    expect((await metrics()).get('whmcs_ha_node_active{node="web002"}')).toBe(1);
    await page.close();
  });

  it('shows the switchover button with the operator token, and switches back when clicked', async () => {
    const page = await openDashboard(labToken('operatorToken'));
    await page.locator('#operator').waitFor({ state: 'visible', timeout: 5000 });
    expect(await page.evaluate(() => document.body.dataset.role)).toBe('operator');
    expect(await page.locator('#switch-to option').allTextContents()).toEqual(['web001']);
    await page.locator('#switchover').click();
    await page.waitForFunction(() => /^accepted: /.test(document.getElementById('operate-result')?.textContent ?? ''), null, { timeout: 15_000 });
    const s = await untilStatus(layout, 'web001 active again', (x) => x.active === 'web001' && x.operation === null);
    expect(s.active).toBe('web001');
    // the page follows within 2 s of hactl reporting the operation done
    const t0 = performance.now();
    await page.waitForFunction(() => document.body.dataset.active === 'web001', null, { timeout: 2000 });
    console.log(`[dashboard] operator page showed web001 active ${Math.round(performance.now() - t0)} ms after hactl reported it`);
    expect(await roleOf(page, 'web001')).toBe('active');
    await page.close();
  });
});
