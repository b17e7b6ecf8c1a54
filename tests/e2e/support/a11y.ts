import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './pages';

declare global {
  interface Window {
    axe?: typeof import('axe-core');
  }
}

/** axe-core's serious and critical violations on the current page, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
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

/** Visible controls in <main> shorter than a 44 px touch target, measured at the current viewport. */
export async function smallTouchTargets(
  page: Page,
  selector = 'main button, main a, main label.button, main select, main input:not([type=radio]):not([type=file])',
): Promise<{ text: string; height: number }[]> {
  return page.evaluate(
    (query) =>
      [...document.querySelectorAll(query)]
        .filter((el) => el.getClientRects().length > 0)
        .map((el) => ({
          text: el.textContent.trim().slice(0, 20),
          height: el.getBoundingClientRect().height,
        }))
        .filter((box) => box.height < 44),
    selector,
  );
}
