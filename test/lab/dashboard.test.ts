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

async function openDashboard(fragment = ''): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  await page.goto(labEndpoints(layout).dashboardUrl + fragment);
  await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live' && document.body.dataset.epoch !== undefined, null, { timeout: 15_000 });
  return page;
}

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

  it("loads and shows the lab's real state, read-only without the operator token", async () => {
    const s = await status(layout);
    const page = await openDashboard();
    expect(await page.locator('#active').textContent()).toBe('web001');
    expect(await page.locator('#epoch').textContent()).toBe(String(s.epoch));
    expect(await roleOf(page, 'web001')).toBe('active');
    expect(await roleOf(page, 'web002')).toBe('passive');
    expect(await page.locator('#nodes tr[data-node="web002"] td[data-field="state"]').textContent()).toBe('healthy');
    const coords = await page.locator('#coordinators tbody tr td:first-child').allTextContents();
    expect(coords).toEqual(['lb1', 'web002', 'witness']);
    expect(await page.locator('#leader').textContent()).toContain(s.leader.id!);
    expect(await page.locator('#history div').count()).toBeGreaterThan(0);
    expect(await page.locator('#operator').isVisible()).toBe(false);
    expect(await page.locator('#switchover').count()).toBe(1);
    await page.close();
    // a wrong token shows no button either
    const wrong = await openDashboard('#token=not-the-operator-token');
    await wrong.waitForTimeout(500);
    expect(await wrong.locator('#operator').isVisible()).toBe(false);
    await wrong.close();
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
    const page = await openDashboard();
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
    const token = readFileSync(haConfigFiles(layout).operatorToken, 'utf8').trim();
    const page = await openDashboard(`#token=${token}`);
    await page.locator('#operator').waitFor({ state: 'visible', timeout: 5000 });
    expect(await page.locator('#switch-to option').allTextContents()).toEqual(['web001']);
    await page.locator('#switchover').click();
    await page.waitForFunction(() => /^accepted: /.test(document.getElementById('operate-result')?.textContent ?? ''), null, { timeout: 15_000 });
    await page.waitForFunction(() => document.body.dataset.active === 'web001', null, { timeout: 60_000 });
    const s = await untilStatus(layout, 'web001 active again', (x) => x.active === 'web001' && x.operation === null);
    expect(s.active).toBe('web001');
    await page.close();
  });
});
