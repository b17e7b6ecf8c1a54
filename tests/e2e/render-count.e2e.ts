import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually } from './support/pages';
import { countRenders, installRenderCounter } from './support/render-count';

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close().catch(() => undefined);
  context = undefined;
});

/** A KF3 draft with some units graded and noted, the whole form on screen, the counter installed. */
async function openKf3(): Promise<AuditApp> {
  // No service worker: its install and update checks render the update prompt at moments of their own.
  const launched = await launch(newProfileDir(), undefined, { serviceWorkers: 'block' });
  context = launched.context;
  await installRenderCounter(launched.page);
  const app = new AuditApp(launched.page);
  await app.newAudit({ rubric: 'KF3', site: '万科·城市花园', auditor: '李明' });
  await app.grade('1.1', 'compliant');
  await app.grade('2.2', 'partly');
  await app.page.getByTestId('note-2.2').fill('台账缺 11 月');
  await app.waitSaved();
  await eventually(async () => {
    expect(await app.page.locator('[data-testid="unit"]').count()).toBe(35);
  });
  return app;
}

/** Taps a grade and waits until it is stored, shown, scored and the page has settled. */
async function tapAndCount(app: AuditApp, unit: string, grade: string): Promise<Record<string, number>> {
  return countRenders(
    app.page,
    () => app.gradeButton(unit, grade).click(),
    async () => {
      await eventually(async () => {
        expect(await app.page.locator(`[data-unit-id="${unit}"]`).getAttribute('data-grade')).toBe(grade);
      });
      await app.waitSaved();
      await app.page.waitForTimeout(500); // a late live-query read or render would be counted too
    },
  );
}

/** What a tap may re-render besides its card: the score bar (with its 复核 link) and the status pill. */
const besidesTheCard = ['a.button in div.score-bar', 'div.score-bar', 'span.save-status'];

describe('a tap re-renders only what it changes', () => {
  it('grading one KF3 unit renders that card, its item’s points and the score bar: no other card, note or photo strip, not the page', async () => {
    const app = await openKf3();
    const first = await tapAndCount(app, '1.3', 'mostly');
    // Before: every card, note field and photo strip re-rendered twice (the save status changed twice per
    // tap), and the page with them (the live query handed it a new audit).
    expect(Object.keys(first).sort(), JSON.stringify(first)).toEqual(
      ['article.unit @1.3', 'span.item__points in item 1', ...besidesTheCard].sort(),
    );
    expect(await app.runningTotal()).toBe('得分 10.8 / 14'); // 1.1: 4, 2.2: 6 × 0.6, 1.3: 4 × 0.8

    const nested = await tapAndCount(app, '5.1.4', 'non_compliant');
    expect(Object.keys(nested).sort(), JSON.stringify(nested)).toEqual(
      [
        'article.unit @5.1.4',
        'span.item__points in item 5',
        'span.item__points in item 5.1',
        ...besidesTheCard,
      ].sort(),
    );
    expect(await app.runningTotal()).toBe('得分 10.8 / 17'); // 5.1.4: 0 / 3
  });
});
