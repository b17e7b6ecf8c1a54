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
  const launched = await launch(newProfileDir());
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

describe('a tap re-renders only what it changes', () => {
  it('grading one KF3 unit renders that card and the score bar, no other card, note or photo strip', async () => {
    const app = await openKf3();
    const counts = await tapAndCount(app, '1.3', 'mostly');
    const names = Object.keys(counts);
    // Before: every card, note field and photo strip re-rendered (the save status changed twice per tap).
    expect(
      names.filter((name) => name.includes('@') && !name.endsWith('@1.3')),
      JSON.stringify(counts),
    ).toEqual([]);
    expect(counts['article.unit @1.3']).toBeGreaterThan(0);
    expect(counts['div.score-bar']).toBeGreaterThan(0);
    // Inside the tapped card only the card itself: its note field and photo strip did not change.
    expect(
      names.filter((name) => name.endsWith('@1.3')),
      JSON.stringify(counts),
    ).toEqual(['article.unit @1.3']);
  });
});
