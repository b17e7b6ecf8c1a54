import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import {
  deviceKeyFileSchema,
  keyId,
  sha256Hex,
  shortKeyId,
  type Audit,
  type SealSigner,
} from '../../src/domain/index';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, nodeSigner } from '../support/sealed-audit';
import { seriousViolations, smallTouchTargets } from './support/a11y';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, text } from './support/pages';
import { startRealServer, type RealServer } from './support/real-server';
import { signInBrowser } from './support/server-session';
import { bundleOf, fingerprintOf, sealedEntry, writeTemp } from './support/trust';
import { keyFileOf } from '../server/support/head-office-audits';
import { call, enrolOverHttp } from '../server/support/uploads';

const SITE = '万科·喆园管理处';
const GENUINE_ID = '7c2e4a10-5b6d-4e7f-8a9b-0c1d2e3f4a01';
const FORGED_ID = '7c2e4a10-5b6d-4e7f-8a9b-0c1d2e3f4a02';
const kf01 = loadRubric('KF01');

/** kf01-mixed: 63 / 95 = 66.3 % (tests/scoring/score-fixtures.test.ts); all-compliant would be 100.0 %. */
function auditOf(id: string, fixture: string, changes: Partial<Audit> = {}): Audit {
  return {
    ...finalisedAudit(kf01, { ...loadGrades(kf01, fixture) }),
    id,
    lineageId: id,
    site: { id: 'site-zhe', name: SITE, region: '华南' },
    auditedAt: '2026-11-17T02:00:00.000Z',
    ...changes,
  };
}

let tablet: SealSigner;
let forger: SealSigner;
let genuineHash: string;
/** What the tablet profile's 设置 screen showed and exported. */
let settingsFingerprint: string;
let settingsKeyFile: string;

beforeAll(async () => {
  tablet = await nodeSigner();
  forger = await nodeSigner();
});

describe('设置 on a tablet: the key fingerprint, its QR code and a key file', () => {
  let context: BrowserContext;
  afterAll(async () => {
    await context.close();
  });

  it('shows the fingerprint and a QR of the full key id, and exports a signed .ducha-key file', async () => {
    const launched = await launch(newProfileDir(), { width: 800, height: 1280 });
    context = launched.context;
    const app = new AuditApp(launched.page);
    await app.open('#/settings');
    const fingerprint = app.page.getByTestId('key-fingerprint');
    await eventually(async () => {
      expect(await text(fingerprint)).toMatch(/^[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}$/);
    });
    settingsFingerprint = await text(fingerprint);
    const fullId = await text(app.page.getByTestId('key-id'));
    expect(fullId).toMatch(/^[0-9a-f]{64}$/);
    expect(shortKeyId(fullId)).toBe(settingsFingerprint);
    const qr = app.page.getByTestId('key-qr');
    expect(await qr.getAttribute('data-value')).toBe(fullId);
    expect(await qr.getAttribute('aria-label')).toContain('二维码');
    expect(await text(app.page.getByTestId('export-key-hint'))).toContain('必须');

    // Both fields are required; the form says so in Chinese instead of exporting an unnamed key.
    await app.page.getByTestId('export-key').click();
    expect(await text(app.page.locator('form .field__error').first())).toBe('请填写设备名称');

    await app.page.getByTestId('key-device-label').fill('前台平板 3');
    await app.page.getByTestId('key-auditor').fill('陈堃');
    const [download] = await Promise.all([
      app.page.waitForEvent('download'),
      app.page.getByTestId('export-key').click(),
    ]);
    expect(download.suggestedFilename()).toBe('前台平板_3.ducha-key');
    settingsKeyFile = writeTemp('前台平板 3.ducha-key', readFileSync(await download.path(), 'utf8'));
    const file = deviceKeyFileSchema.parse(JSON.parse(readFileSync(settingsKeyFile, 'utf8')));
    expect(file).toMatchObject({ deviceLabel: '前台平板 3', auditor: '陈堃' });
    expect(keyId(file.publicKey)).toBe(fullId);
    expect(await text(app.page.getByTestId('export-key-status'))).toContain('前台平板_3.ducha-key');

    expect(await seriousViolations(app.page)).toEqual([]);
    expect(await smallTouchTargets(app.page, 'main button, main a, main input')).toEqual([]);
  });
});

describe('head office on the server: unknown signers wait, enrolled keys count, forged revisions never replace', () => {
  let server: RealServer;
  let context: BrowserContext;
  let app: AuditApp;
  const rankRows = () => app.page.getByTestId('rank-row');
  const statusesOf = async () =>
    app.page.getByTestId('upload-entry').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')));
  /** What the tablet's sync does once its auditor signs in: sign the server's challenge and enrol its key to that account. */
  const enrolAs = async (signer: SealSigner, deviceLabel: string, displayName: string) => {
    const auditor = await server.createUser('auditor', { displayName });
    const answer = await enrolOverHttp(await server.signIn(auditor), signer, await keyFileOf(signer, deviceLabel, displayName));
    expect(answer.status).toBe(201);
  };
  /** The dashboard reads the server when it opens. */
  const reopen = async () => {
    await app.page.reload();
    await eventually(async () => {
      expect(await app.page.getByTestId('dashboard-source').getAttribute('data-source')).toBe('server');
    });
  };

  beforeAll(async () => {
    server = await startRealServer();
    // A tablet-sized head-office screen (iPad portrait), where these panels are used.
    const launched = await launch(newProfileDir(), { width: 768, height: 1024 });
    context = launched.context;
    app = new AuditApp(launched.page);
    await app.page.goto(`${server.url}#/dashboard`);
    await app.page.getByTestId('dashboard-empty').waitFor();
    await signInBrowser(app.page, server.admin);
    await reopen();
  }, 120_000);
  afterAll(async () => {
    await context.close();
    await server.dispose();
  });

  it('holds an audit signed by an unknown key as 待确认签名, with its fingerprint, out of the ranking', async () => {
    const genuine = await sealedEntry(tablet, kf01, auditOf(GENUINE_ID, 'kf01-mixed'));
    genuineHash = genuine.envelope.hash;
    await app.page.getByTestId('import-file').setInputFiles(writeTemp('tablet-3.ducha', bundleOf([genuine.entry])));
    await eventually(async () => {
      expect(await statusesOf()).toEqual(['held']);
    });
    expect(await text(app.page.getByTestId('upload-held'))).toBe('待确认 1 份');
    expect(await app.page.getByTestId('upload-stored').count()).toBe(0);
    await reopen();
    const held = app.page.getByTestId('held-row');
    await eventually(async () => {
      expect(await held.count()).toBe(1);
    });
    expect(await held.getAttribute('data-audit-id')).toBe(GENUINE_ID);
    expect(await held.getAttribute('data-reason')).toBe('unknown-key');
    expect(await text(held)).toContain(
      `考核编号 ${GENUINE_ID} · 修订 1：待确认签名 · 签章：未登记密钥 ${fingerprintOf(tablet)}`,
    );
    // Not compared: the server has nothing to rank.
    await app.page.getByTestId('dashboard-server-empty').waitFor();
    expect(await rankRows().count()).toBe(0);
    expect(await app.page.getByTestId('keys-none').count()).toBe(1);
  });

  it('takes the held audit into the ranking once the tablet’s auditor signs in and its key is enrolled', async () => {
    await enrolAs(tablet, '前台平板 1', '王小明');
    await reopen();
    await eventually(async () => {
      expect(await rankRows().count()).toBe(1);
    });
    expect(await text(rankRows().first().getByTestId('rank-site'))).toBe(SITE);
    expect(await text(rankRows().first().getByTestId('rank-latest'))).toBe('66.3%');
    await app.page.getByTestId('held-none').waitFor();
    const row = app.page.getByTestId('key-row');
    await eventually(async () => {
      expect(await row.count()).toBe(1);
    });
    expect(await text(row.locator('td').nth(0))).toBe(fingerprintOf(tablet));
    expect(await text(row.locator('td').nth(1))).toBe('前台平板 1');
    expect(await text(row.locator('td').nth(2))).toBe('王小明');
  });

  it('shows a forged revision 2 by another key as a conflict with both sides; the ranking keeps the genuine score', async () => {
    await enrolAs(forger, '前台平板 9', '赵六');
    const forged = await sealedEntry(
      forger,
      kf01,
      auditOf(FORGED_ID, 'kf01-all-compliant', {
        lineageId: GENUINE_ID,
        revision: 2,
        previousId: GENUINE_ID,
        amendReason: '更正',
        auditedAt: '2026-11-18T02:00:00.000Z',
      }),
      // Not the genuine revision's seal (a revision 2 with none at all is refused as malformed).
      { previousHash: sha256Hex(new TextEncoder().encode('some other seal')) },
    );
    await app.page.getByTestId('import-file').setInputFiles(writeTemp('forged.ducha', bundleOf([forged.entry])));
    await eventually(async () => {
      expect(await statusesOf()).toEqual(['conflict']);
    });
    expect(await text(app.page.getByTestId('upload-conflict'))).toBe('冲突 1 份');
    expect(await app.page.getByTestId('upload-stored').count()).toBe(0);
    await reopen();
    // The server's conflict list keeps the record with both sides; the ranking still shows the genuine 66.3 %, not the forged 100 %.
    const conflict = app.page.getByTestId('held-panel').getByTestId('conflict');
    await eventually(async () => {
      expect(await conflict.count()).toBe(1);
    });
    expect(await conflict.getAttribute('data-conflict-kind')).toBe('brokenChain');
    expect(await text(conflict.locator('.conflict__what'))).toContain('没有接续已保存的前一修订版');
    // The kept side's signer is named from the key register, a request of its own (GET /api/devices).
    await eventually(async () => {
      expect(await text(conflict.getByTestId('conflict-kept'))).toBe(`保留:签章 ${shortKeyId(genuineHash)} · 前台平板 1 · 王小明`);
    });
    expect(await text(conflict.getByTestId('conflict-refused'))).toMatch(
      new RegExp(`^未采用:签章 ${shortKeyId(forged.envelope.hash)} · 前台平板 9 · 赵六 · 来自 bundle by ${server.admin.username} `),
    );
    await eventually(async () => {
      expect(await rankRows().count()).toBe(1);
    });
    expect(await text(rankRows().first().getByTestId('rank-latest'))).toBe('66.3%');
    expect(await text(rankRows().first().getByTestId('rank-count'))).toBe('1');
  });

  it('refuses the key file 设置 exports when replayed without proof of holding the key, and shows a key revoked on the server as revoked', async () => {
    // The dashboard only reads the register: no key file is enrolled from here, and no key revoked.
    expect(await app.page.getByTestId('key-file').count()).toBe(0);
    expect(await app.page.getByTestId('revoke-key').count()).toBe(0);
    const file = deviceKeyFileSchema.parse(JSON.parse(readFileSync(settingsKeyFile, 'utf8')));
    const auditor = await server.createUser('auditor', { displayName: '陈堃' });
    // Anyone may hold a copy of that file: enrolling needs the key's own signature over the server's challenge, which
    // only the tablet can make (issue 19, 5). Sent bare, as an old app would, it is refused and nothing is enrolled.
    const replayed = await call(await server.signIn(auditor), 'POST', '/api/devices', { keyFile: file });
    expect(replayed.status).toBe(400);
    // Revoking is on the 管理 page, by the admin, over the same API.
    const revoked = await call(await server.adminApi(), 'POST', `/api/devices/${keyId(forger.publicKey)}/revoke`, {
      reason: '伪造修订版',
    });
    expect(revoked.status).toBe(200);
    await reopen();
    const rows = app.page.getByTestId('key-row');
    await eventually(async () => {
      expect(await rows.count()).toBe(2);
    });
    expect(await rows.filter({ hasText: settingsFingerprint }).count()).toBe(0);
    expect(await text(rows.filter({ hasText: '前台平板 1' }).locator('td').nth(4))).toBe('有效');
    expect(await text(rows.filter({ hasText: '前台平板 9' }).locator('td').nth(4))).toBe('已吊销');
  });

  it('has no serious axe violations and 44 px touch targets on the tablet', async () => {
    await app.page.waitForTimeout(300);
    expect(await seriousViolations(app.page)).toEqual([]);
    const small = await smallTouchTargets(
      app.page,
      'main button, main a, main label.button, main select, main input:not([type=file])',
    );
    expect(small).toEqual([]);
  });
});
