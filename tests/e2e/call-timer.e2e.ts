import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, text } from './support/pages';

let context: BrowserContext;
let app: AuditApp;
beforeAll(async () => {
  const launched = await launch(newProfileDir());
  context = launched.context;
  app = new AuditApp(launched.page);
});
afterAll(async () => {
  await context.close();
});

const at = (iso: string) => new Date(iso);
const summary = () => text(app.page.getByTestId('call-summary'));

describe('the mystery-call timer on KF01 3', () => {
  it('records 拨出 / 接通 / 挂断 at the tapped instants and the rings, beside a grade the auditor still chooses', async () => {
    // Date is fixed where the test says (timers still run), so every tap is stamped at a known instant.
    await app.page.clock.setFixedTime(at('2026-11-24T02:30:00.000Z'));
    const id = await app.newAudit({ rubric: 'KF01', site: '万科·喆园管理处', auditor: '李昇' });
    const timer = app.page.getByTestId('call-timer');
    expect(await timer.count()).toBe(1);
    // Right under item 3's card, and only there.
    expect(await timer.evaluate((el) => el.previousElementSibling?.getAttribute('data-unit-id') ?? '')).toBe(
      '3',
    );
    expect(await text(timer.locator('p.subtitle'))).toBe(
      '标准:铃响 3 声内接听。计时只作为证据记录,评分仍由考核人决定。',
    );
    expect(await summary()).toBe('尚未计时。');

    await app.page.clock.setFixedTime(at('2026-11-24T02:31:00.000Z'));
    await app.page.getByTestId('call-dial').click();
    await app.page.getByTestId('call-ring').click();
    await app.page.clock.setFixedTime(at('2026-11-24T02:31:05.000Z'));
    await eventually(async () => {
      expect(await summary()).toBe('已拨出 5.0 秒,等待接听…;铃响 1 声');
    });
    await app.page.getByTestId('call-ring').click();
    await app.page.clock.setFixedTime(at('2026-11-24T02:31:08.250Z'));
    await app.page.getByTestId('call-answer').click();
    await app.page.clock.setFixedTime(at('2026-11-24T02:31:53.290Z'));
    await app.page.getByTestId('call-hangup').click();
    expect(await summary()).toBe('接通用时 8.3 秒;通话时长 45.0 秒;铃响 2 声');
    expect(await app.page.getByTestId('call-dial').isDisabled()).toBe(true);
    expect(await app.page.getByTestId('call-hangup').isDisabled()).toBe(true);

    // Timing never grades: item 3 is still ungraded until the auditor taps a grade.
    expect(await app.page.locator('[data-unit-id="3"]').getAttribute('data-grade')).toBe('');
    await app.grade('3', 'compliant');
    await app.waitSaved();

    // Stored with the answer: a reload shows the same record.
    await app.page.reload();
    await app.page.getByTestId('running-total').waitFor();
    await eventually(async () => {
      expect(await summary()).toBe('接通用时 8.3 秒;通话时长 45.0 秒;铃响 2 声');
    });
    expect(await app.page.locator('[data-unit-id="3"]').getAttribute('data-grade')).toBe('compliant');
    expect(app.page.url()).toContain(id);
  });

  it('clears the record, and counts more rings than the standard as over it', async () => {
    await app.page.getByTestId('call-clear').click();
    await eventually(async () => {
      expect(await summary()).toBe('尚未计时。');
    });
    for (let i = 0; i < 4; i++) await app.page.getByTestId('call-ring').click();
    await eventually(async () => {
      expect(await summary()).toBe('铃响 4 声(超过 3 声)');
    });
    await app.waitSaved();
  });
});
