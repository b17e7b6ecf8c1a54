import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { killBrowser, launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, photoFixture, text } from './support/pages';

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close().catch(() => undefined);
  context = undefined;
});

/** Grades four KF3 units (two in the capped item), writes a note, adds a photo and half a signature. */
async function workMidAudit(app: AuditApp): Promise<string> {
  const id = await app.newAudit({ rubric: 'KF3', site: '保利·堃悦府', auditor: '赵赟' });
  await app.grade('1.2', 'mostly'); // 6 × 0.8 = 4.8
  await app.grade('2.1', 'compliant'); // 8
  await app.grade('2.4', 'partly'); // 8 × 0.6 = 4.8
  await app.grade('5.1.10', 'na');
  await app.page.getByTestId('note-2.4').fill('巡检记录缺 11 月 3 日、4 日两天');
  await app.page.getByTestId('gallery-2.4').setInputFiles(photoFixture);
  await app.page.locator('[data-unit-id="2.4"] [data-testid="photo-thumb"]').waitFor();
  await app.waitSaved();
  expect(await app.runningTotal()).toBe('得分 17.6 / 22');
  return id;
}

async function expectEverythingBack(app: AuditApp, id: string): Promise<void> {
  await app.open(`#/audits/${id}`);
  await eventually(async () => {
    expect(await app.runningTotal()).toBe('得分 17.6 / 22');
  });
  for (const [unit, grade] of [
    ['1.2', 'mostly'],
    ['2.1', 'compliant'],
    ['2.4', 'partly'],
    ['5.1.10', 'na'],
  ] as const) {
    expect(await app.gradeButton(unit, grade).getAttribute('aria-pressed'), unit).toBe('true');
  }
  expect(await app.page.getByTestId('note-2.4').inputValue()).toBe('巡检记录缺 11 月 3 日、4 日两天');
  const thumb = app.page.locator('[data-unit-id="2.4"] [data-testid="photo-thumb"]');
  await thumb.waitFor();
  expect(await thumb.count()).toBe(1);
  // The photo is really there: decoded, compressed to JPEG, not just a reference.
  const size = await thumb.evaluate((img: HTMLImageElement) =>
    img.decode().then(() => [img.naturalWidth, img.naturalHeight]),
  );
  expect(size).toEqual([512, 512]);
  expect(await text(app.page.getByTestId('progress'))).toBe('进度 4/35');
}

describe('never lose an answer', () => {
  it('b. reloading mid-audit brings back every grade, note and photo', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    const id = await workMidAudit(app);
    await app.page.reload();
    await expectEverythingBack(app, id);
  });

  it('c. killing the browser process mid-audit and relaunching on the same profile brings everything back', async () => {
    const profile = newProfileDir();
    const first = await launch(profile);
    context = first.context;
    const app = new AuditApp(first.page);
    const id = await workMidAudit(app);
    // A note typed just before the crash, saved as it is typed (no blur, no debounce).
    await app.page.getByTestId('note-1.2').fill('未见入伙方案签批页');
    await app.waitSaved();
    await new Promise((r) => setTimeout(r, 400));
    await app.waitSaved();
    expect(killBrowser(profile)).toBeGreaterThan(0);
    await context.close().catch(() => undefined);

    const second = await launch(profile);
    context = second.context;
    const again = new AuditApp(second.page);
    await expectEverythingBack(again, id);
    expect(await again.page.getByTestId('note-1.2').inputValue()).toBe('未见入伙方案签批页');
  });

  it('keeps a half-written signature across a reload, and redraws it after rotation', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    const id = await app.newAudit({ rubric: 'KF01', site: '华润·昇御府', auditor: '钱喆' });
    await app.open(`#/audits/${id}/review`);
    await app.page.getByTestId('signer-name-siteManager').fill('孙燊');
    await app.page.getByTestId('signer-name-siteManager').blur();
    const pad = app.page.getByTestId('signature-pad-siteManager');
    const box = await pad.boundingBox();
    if (!box) throw new Error('no pad');
    await app.page.mouse.move(box.x + 30, box.y + 40);
    await app.page.mouse.down();
    await app.page.mouse.move(box.x + 200, box.y + 120, { steps: 8 });
    await app.page.mouse.up();
    await app.waitSaved();
    await app.page.reload();
    await app.page.getByTestId('signature-pad-siteManager').waitFor();
    expect(await app.page.getByTestId('signer-name-siteManager').inputValue()).toBe('孙燊');
    const inked = () =>
      app.page.getByTestId('signature-pad-siteManager').evaluate((canvas: HTMLCanvasElement) => {
        const data =
          canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ??
          new Uint8ClampedArray();
        let dark = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 128) dark++;
        return dark;
      });
    await eventually(async () => {
      expect(await inked()).toBeGreaterThan(50);
    });
    await app.page.setViewportSize({ width: 1366, height: 1024 }); // landscape
    await eventually(async () => {
      expect(await inked()).toBeGreaterThan(50);
    });
    // Not confirmed yet: an empty pad or an unconfirmed one cannot finalise.
    expect(await app.page.getByTestId('finalise').isDisabled()).toBe(true);
  });
});
