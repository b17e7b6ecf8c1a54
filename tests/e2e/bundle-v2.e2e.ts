import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { writeBundleV2, type Audit, type SealSigner } from '../../src/domain/head-office';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, imagesOf, nodeSigner } from '../support/sealed-audit';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, text } from './support/pages';
import { enrolThroughPanel, fingerprintOf, sealedEntry, writeKeyFile } from './support/trust';

const kf01 = loadRubric('KF01');

function auditOf(id: string, site: string, fixture: string): Audit {
  return {
    ...finalisedAudit(kf01, { ...loadGrades(kf01, fixture) }),
    id,
    lineageId: id,
    site: { id: `site-${id.slice(-2)}`, name: site, region: '华南' },
    auditedAt: '2026-11-17T02:00:00.000Z',
  };
}

let tablet: SealSigner;
beforeAll(async () => {
  tablet = await nodeSigner();
});

describe('head office imports a bundle in format 2 (zip) through the file picker', () => {
  let context: BrowserContext;
  let app: AuditApp;

  beforeAll(async () => {
    const launched = await launch(newProfileDir(), { width: 1280, height: 900 });
    context = launched.context;
    app = new AuditApp(launched.page);
  });
  afterAll(async () => {
    await context.close();
  });

  it('holds its audits until the key is enrolled, then ranks them', async () => {
    const first = await sealedEntry(tablet, kf01, auditOf('9a1b2c3d-4e5f-4a6b-8c7d-000000000001', '万科城管理处', 'kf01-mixed'));
    const second = await sealedEntry(tablet, kf01, auditOf('9a1b2c3d-4e5f-4a6b-8c7d-000000000002', '碧桂园凤凰城管理处', 'kf01-all-compliant'));
    const bytes = writeBundleV2(
      [first, second].map((s) => ({ envelope: s.envelope, images: imagesOf() })),
      '2026-11-25T08:00:00.000Z',
    );
    // Named .ducha like every bundle; what it is, the app reads from its first bytes.
    const file = join(mkdtempSync(join(tmpdir(), 'ducha-e2e-v2-')), 'tablet-7.ducha');
    writeFileSync(file, bytes);

    await app.open('#/dashboard');
    await app.page.getByTestId('dashboard-empty').waitFor();
    expect(await text(app.page.getByTestId('import-limit'))).toContain('1 GB');
    // The import runs in a Web Worker (the page stays responsive), which ends when it has answered.
    const workers: string[] = [];
    app.page.on('worker', (worker) => workers.push(worker.url()));
    await app.page.getByTestId('import-file').setInputFiles(file);
    await eventually(async () => {
      expect(await app.page.getByTestId('import-held').getAttribute('data-count')).toBe('2');
    });
    expect(await text(app.page.getByTestId('import-stored'))).toBe('新存入 0 份');
    expect(await app.page.getByTestId('rank-row').count()).toBe(0);
    expect(workers.filter((url) => /import-worker-[\w-]+\.js$/.test(url))).toHaveLength(1);
    await eventually(() => {
      expect(app.page.workers().filter((w) => w.url().includes('import-worker'))).toEqual([]);
      return Promise.resolve();
    });

    const status = await enrolThroughPanel(app.page, await writeKeyFile(tablet, '前台平板 7', '王小明'), fingerprintOf(tablet));
    expect(status).toBe('已登记 前台平板 7 · 王小明。原待确认的考核中有 2 份现已纳入比较。');
    const rows = app.page.getByTestId('rank-row');
    await eventually(async () => {
      expect(await rows.count()).toBe(2);
    });
    // kf01-all-compliant 100.0 % above kf01-mixed 63 / 95 = 66.3 %.
    expect(await text(rows.nth(0).getByTestId('rank-site'))).toBe('碧桂园凤凰城管理处');
    expect(await text(rows.nth(0).getByTestId('rank-latest'))).toBe('100.0%');
    expect(await text(rows.nth(1).getByTestId('rank-site'))).toBe('万科城管理处');
    expect(await text(rows.nth(1).getByTestId('rank-latest'))).toBe('66.3%');

    // The same file again: already here, nothing new.
    await app.page.getByTestId('import-file').setInputFiles(file);
    await eventually(async () => {
      expect(await app.page.getByTestId('import-unchanged').getAttribute('data-count')).toBe('2');
    });
  });
});
