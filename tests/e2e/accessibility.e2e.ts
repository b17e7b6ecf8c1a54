import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, repoRoot } from './support/pages';

declare global {
  interface Window {
    axe?: typeof import('axe-core');
  }
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js') });
  const violations = await page.evaluate(async () => {
    if (!window.axe) throw new Error('axe-core did not load');
    return (await window.axe.run(document)).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact ?? ''} ${v.id}: ${v.help} @ ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    );
}

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
      const small = await app.page.evaluate(() =>
        [
          ...document.querySelectorAll(
            'main button, main a, main label.button, main select, main input:not([type=radio]):not([type=file])',
          ),
        ]
          .filter((el) => el.getClientRects().length > 0)
          .map((el) => ({
            text: el.textContent.trim().slice(0, 20),
            height: el.getBoundingClientRect().height,
          }))
          .filter((box) => box.height < 44),
      );
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
