import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { writeBundleV2, type SealSigner } from '../../src/domain/head-office';
import { imagesOf, nodeSigner } from '../support/sealed-audit';
import { sealHeadOfficeAudits, uploadAsTablet } from '../server/support/head-office-audits';
import { freshAudit, seal } from '../server/support/uploads';
import { launch, newProfileDir } from './support/browser';
import { eventually, text } from './support/pages';
import { startRealServer, type RealServer } from './support/real-server';
import { signInBrowser } from './support/server-session';

let server: RealServer;
let context: BrowserContext;
let page: Page;
let bundlePath: string;
let strangerAuditId: string;

beforeAll(async () => {
  server = await startRealServer();
  const tablet: SealSigner = await nodeSigner();
  const sealed = await sealHeadOfficeAudits(tablet);
  // The tablet's first audit reaches the server by sync, which also enrols its key (前台平板 1 · 王小明).
  const auditor = await server.createUser('auditor', { displayName: '王小明' });
  const [first, ...rest] = sealed.map((s) => s.envelope);
  if (!first) throw new Error('no audits');
  await uploadAsTablet(await server.signIn(auditor), tablet, [first]);
  // The bundle head office drops: the tablet's other two, the first again, and one sealed by a key nobody enrolled.
  const stranger = await seal(freshAudit({ site: '陌生平板管理处' }), await nodeSigner());
  strangerAuditId = stranger.payload.audit.id;
  const bytes = writeBundleV2(
    [...rest, first, stranger].map((envelope) => ({ envelope, images: imagesOf() })),
    '2026-11-30T00:00:00.000Z',
  );
  bundlePath = join(mkdtempSync(join(tmpdir(), 'ducha-e2e-bundle-')), 'tablets.ducha');
  writeFileSync(bundlePath, bytes);
  const launched = await launch(newProfileDir());
  context = launched.context;
  page = launched.page;
}, 120_000);
afterAll(async () => {
  await context.close();
  await server.dispose();
});

const statusesOf = async () => page.getByTestId('upload-entry').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')));

describe('the server is the one head office in the browser', () => {
  it('never linked: the dashboard shows this device’s own audits only, with nothing to import into', async () => {
    await page.goto(`${server.url}#/dashboard`);
    await page.getByTestId('dashboard-empty').waitFor();
    expect(await page.getByTestId('import-file').count()).toBe(0);
    expect(await page.getByTestId('held-panel').count()).toBe(0);
    expect(await page.getByTestId('key-register').count()).toBe(0);
  });

  it('signed in as 总部管理员: a dropped bundle goes to the server, and each audit’s decision is shown', async () => {
    await signInBrowser(page, server.admin);
    await page.reload();
    await page.getByTestId('import-file').setInputFiles(bundlePath);
    await eventually(async () => {
      expect(await statusesOf()).toEqual(['stored', 'stored', 'unchanged', 'held']);
    });
    expect(await text(page.getByTestId('upload-stored'))).toBe('存入 2 份');
    expect(await text(page.getByTestId('upload-held'))).toBe('待确认 1 份');
  });

  it('shows the server’s 待确认 audit and its key register, and ranks every audit on the server', async () => {
    await page.reload();
    const held = page.getByTestId('held-row');
    await eventually(async () => {
      expect(await held.count()).toBe(1);
    });
    expect(await held.getAttribute('data-audit-id')).toBe(strangerAuditId);
    expect(await text(held)).toContain('待确认签名');
    expect(await text(held)).toContain('未登记密钥');
    // The conflict list is a request of its own, answered independently of the held list.
    await eventually(async () => {
      expect(await page.getByTestId('conflicts-none').count()).toBe(1);
    });
    await eventually(async () => {
      expect(await page.getByTestId('key-row').count()).toBe(1);
    });
    expect(await text(page.getByTestId('key-row'))).toContain('前台平板 1');
    // Two sites, all three of the tablet's audits (the held one is not compared).
    await eventually(async () => {
      expect(await page.getByTestId('rank-row').count()).toBe(2);
    });
  });
});
