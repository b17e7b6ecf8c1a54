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
import {
  bundleOf,
  enrolThroughPanel,
  fingerprintOf,
  sealedEntry,
  writeKeyFile,
  writeTemp,
} from './support/trust';

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

describe('head office: unknown signers wait, enrolled keys count, forged revisions never replace', () => {
  let context: BrowserContext;
  let app: AuditApp;
  const rankRows = () => app.page.getByTestId('rank-row');

  beforeAll(async () => {
    // A tablet-sized head-office screen (iPad portrait), where these panels are used.
    const launched = await launch(newProfileDir(), { width: 768, height: 1024 });
    context = launched.context;
    app = new AuditApp(launched.page);
  });
  afterAll(async () => {
    await context.close();
  });

  it('holds an audit signed by an unknown key as 待确认签名, with its fingerprint, out of the ranking', async () => {
    const genuine = await sealedEntry(tablet, kf01, auditOf(GENUINE_ID, 'kf01-mixed'));
    genuineHash = genuine.envelope.hash;
    await app.open('#/dashboard');
    await app.page.getByTestId('dashboard-empty').waitFor();
    await app.page
      .getByTestId('import-file')
      .setInputFiles(writeTemp('tablet-3.ducha', bundleOf([genuine.entry])));
    await eventually(async () => {
      expect(await app.page.getByTestId('import-held').getAttribute('data-count')).toBe('1');
    });
    expect(await text(app.page.getByTestId('import-stored'))).toBe('新存入 0 份');
    expect(await text(app.page.getByTestId('import-held-entry'))).toBe(
      `${SITE}:待确认签名 · 签章:未登记密钥 ${fingerprintOf(tablet)}`,
    );
    const held = app.page.getByTestId('held-row');
    await eventually(async () => {
      expect(await held.count()).toBe(1);
    });
    expect(await text(held.getByTestId('held-reason'))).toBe('待确认签名');
    expect(await text(held.getByTestId('held-signer'))).toBe(`未登记密钥 ${fingerprintOf(tablet)}`);
    expect(await text(held.locator('td').nth(4))).toBe('tablet-3.ducha');
    // Not compared: the dashboard still has nothing to rank.
    expect(await app.page.getByTestId('dashboard-empty').isVisible()).toBe(true);
    expect(await rankRows().count()).toBe(0);
  });

  it('enrols the key only once the typed fingerprint matches; the held audit then appears in the ranking', async () => {
    const keyFile = await writeKeyFile(tablet, '前台平板 1', '王小明');
    await app.page.getByTestId('key-file').setInputFiles(keyFile);
    const candidate = app.page.getByTestId('key-candidate');
    await candidate.waitFor();
    expect(await text(candidate.getByTestId('candidate-device'))).toBe('前台平板 1');
    expect(await text(candidate.getByTestId('candidate-auditor'))).toBe('王小明');
    expect(await text(candidate.getByTestId('candidate-fingerprint'))).toBe(fingerprintOf(tablet));
    const enrol = app.page.getByTestId('enrol-key');
    const typed = app.page.getByTestId('confirm-fingerprint');
    expect(await enrol.isDisabled()).toBe(true);
    // Another key's fingerprint (a key file swapped on the way in) keeps the button off and says why.
    await typed.fill(fingerprintOf(forger));
    expect(await text(candidate.locator('.field__error'))).toContain('输入的指纹与该密钥文件不符');
    expect(await enrol.isDisabled()).toBe(true);
    // The first 16 hex digits, typed without spaces, are enough.
    await typed.fill(fingerprintOf(tablet).replace(/ /g, '').toUpperCase());
    await eventually(async () => {
      expect(await enrol.isEnabled()).toBe(true);
    });
    await enrol.click();
    await candidate.waitFor({ state: 'detached' });
    expect(await text(app.page.getByTestId('keys-status'))).toBe(
      '已登记 前台平板 1 · 王小明。原待确认的考核中有 1 份现已纳入比较。',
    );
    await eventually(async () => {
      expect(await rankRows().count()).toBe(1);
    });
    expect(await text(rankRows().first().getByTestId('rank-site'))).toBe(SITE);
    expect(await text(rankRows().first().getByTestId('rank-latest'))).toBe('66.3%');
    await app.page.getByTestId('held-none').waitFor();
    const row = app.page.getByTestId('key-row');
    expect(await row.count()).toBe(1);
    expect(await text(row.getByTestId('key-fingerprint-cell'))).toBe(fingerprintOf(tablet));
  });

  it('shows a forged revision 2 by another key as a conflict with both sides; the ranking keeps the genuine score', async () => {
    expect(
      await enrolThroughPanel(
        app.page,
        await writeKeyFile(forger, '前台平板 9', '赵六'),
        fingerprintOf(forger),
      ),
    ).toBe('已登记 前台平板 9 · 赵六。原待确认的考核中有 0 份现已纳入比较。');
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
    await app.page
      .getByTestId('import-file')
      .setInputFiles(writeTemp('forged.ducha', bundleOf([forged.entry])));
    await eventually(async () => {
      expect(await app.page.getByTestId('import-conflicts').getAttribute('data-count')).toBe('1');
    });
    expect(await text(app.page.getByTestId('import-stored'))).toBe('新存入 0 份');
    const conflict = app.page.getByTestId('import-result').getByTestId('conflict');
    expect(await conflict.getAttribute('data-conflict-kind')).toBe('brokenChain');
    expect(await text(conflict.locator('.conflict__what'))).toContain('没有接续已保存的前一修订版');
    expect(await text(conflict.getByTestId('conflict-kept'))).toBe(
      `保留:签章 ${shortKeyId(genuineHash)} · 前台平板 1 · 王小明`,
    );
    expect(await text(conflict.getByTestId('conflict-refused'))).toBe(
      `未采用:签章 ${shortKeyId(forged.envelope.hash)} · 前台平板 9 · 赵六 · 来自 forged.ducha`,
    );
    // The 待确认 panel keeps the record; the ranking still shows the genuine 66.3 %, not the forged 100 %.
    await eventually(async () => {
      expect(await app.page.getByTestId('conflict-list').getByTestId('conflict').count()).toBe(1);
    });
    expect(await rankRows().count()).toBe(1);
    expect(await text(rankRows().first().getByTestId('rank-latest'))).toBe('66.3%');
    expect(await text(rankRows().first().getByTestId('rank-count'))).toBe('1');
  });

  it('enrols the key file exported by 设置, and revokes a key after a confirmation', async () => {
    expect(await enrolThroughPanel(app.page, settingsKeyFile, settingsFingerprint)).toBe(
      '已登记 前台平板 3 · 陈堃。原待确认的考核中有 0 份现已纳入比较。',
    );
    const rows = app.page.getByTestId('key-row');
    await eventually(async () => {
      expect(await rows.count()).toBe(3);
    });
    const exported = rows.filter({ hasText: '前台平板 3' });
    expect(await text(exported.getByTestId('key-fingerprint-cell'))).toBe(settingsFingerprint);

    const rogue = rows.filter({ hasText: '前台平板 9' });
    await rogue.getByTestId('revoke-key').click();
    const dialog = app.page.getByTestId('revoke-dialog');
    await dialog.waitFor();
    expect(await text(dialog.locator('h2'))).toBe('吊销 前台平板 9 · 赵六 的密钥?');
    expect(await seriousViolations(app.page)).toEqual([]);
    await dialog.getByTestId('revoke-dialog-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await rogue.getAttribute('data-revoked')).toBe('false');

    await rogue.getByTestId('revoke-key').click();
    await dialog.getByTestId('revoke-dialog-reason').fill('伪造修订版');
    await dialog.getByTestId('revoke-dialog-confirm').click();
    await eventually(async () => {
      expect(await rogue.getAttribute('data-revoked')).toBe('true');
    });
    expect(await text(rogue.getByTestId('key-status'))).toContain('伪造修订版');
    expect(await rogue.getByTestId('revoke-key').count()).toBe(0);
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
