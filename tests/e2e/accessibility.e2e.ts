import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { seriousViolations, smallTouchTargets } from './support/a11y';
import { launch, newProfileDir } from './support/browser';
import { AuditApp } from './support/pages';

let context: BrowserContext;
let app: AuditApp;
let auditId: string;
beforeAll(async () => {
  const launched = await launch(newProfileDir());
  context = launched.context;
  app = new AuditApp(launched.page);
  auditId = await app.newAudit({ rubric: 'KF3', site: '龙湖·天街', auditor: '陈堃' });
  await app.grade('1.1', 'compliant');
  await app.grade('2.4', 'non_compliant');
  await app.page.getByTestId('note-2.4').fill('无巡检记录');
  await app.waitSaved();
});
afterAll(async () => {
  await context.close();
});

describe('f. axe-core finds no serious or critical violations', () => {
  it.each([
    ['the audit list', () => '#/'],
    ['the new-audit form', () => '#/new'],
    ['the scoring form', () => `#/audits/${auditId}`],
    ['the review screen', () => `#/audits/${auditId}/review`],
  ])('on %s', async (_name, path) => {
    await app.open(path());
    await app.page.locator('main h1').first().waitFor();
    await app.page.waitForTimeout(300);
    expect(await seriousViolations(app.page)).toEqual([]);
  });

  it('every button and link on the scoring and review screens is at least 44 px tall on a phone', async () => {
    await app.page.setViewportSize({ width: 390, height: 844 });
    for (const path of [`#/audits/${auditId}`, `#/audits/${auditId}/review`]) {
      await app.open(path);
      await app.page.locator('main h1').first().waitFor();
      const small = await smallTouchTargets(app.page);
      expect(small, path).toEqual([]);
    }
    await app.page.setViewportSize({ width: 1024, height: 1366 });
  });

  it('would report a real violation (the check itself works)', async () => {
    await app.open('#/');
    await app.page.locator('main h1').first().waitFor();
    await app.page.evaluate(() => {
      const button = document.createElement('button');
      document.querySelector('main')?.append(button);
    });
    expect((await seriousViolations(app.page)).join('\n')).toMatch(/critical button-name/);
  });
});
