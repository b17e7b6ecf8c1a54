// Drives the built app as an auditor would: a full KF3 audit (35 units graded, notes on every fourth),
// both signatures drawn, finalised; left on the review screen with 生成评分表 ready.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { startAuditInApp } from '../support/start-audit';

const root = join(import.meta.dirname, '..', '..');
const fixture = z
  .object({ grades: z.record(z.string(), z.string()) })
  .parse(
    JSON.parse(
      readFileSync(join(root, 'tests', 'fixtures', 'answers', 'kf3-mixed-cap-not-hit.json'), 'utf8'),
    ),
  );

async function sign(page: Page, role: 'auditor' | 'siteManager', name: string): Promise<void> {
  await page.getByTestId(`signer-name-${role}`).fill(name);
  const pad = page.getByTestId(`signature-pad-${role}`);
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('signature pad not visible');
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.6);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++)
    await page.mouse.move(
      box.x + box.width * (0.1 + i * 0.06),
      box.y + box.height * (0.6 - Math.sin(i / 2) * 0.3),
    );
  await page.mouse.up();
  await page.getByTestId(`confirm-signature-${role}`).click();
  await page.getByTestId(`signed-${role}`).waitFor();
}

/** Creates and finalises the audit; returns the review screen's URL. */
export async function finalisedKf3InApp(page: Page, origin: string): Promise<string> {
  const id = await startAuditInApp(page, origin, { rubricId: 'KF3', site: '碧桂园凤凰城管理处', auditor: '王小明' });
  const units = Object.entries(fixture.grades);
  for (const [i, [unit, grade]] of units.entries()) {
    await page.getByTestId(`grade-${unit}-${grade}`).click();
    await page.locator(`[data-unit-id="${unit}"][data-grade="${grade}"]`).waitFor();
    if (i % 4 === 0) {
      await page
        .getByTestId(`note-${unit}`)
        .fill(`第${unit}项:现场抽查发现记录不完整,已要求整改并于三个工作日内回访。`);
      await page.getByTestId(`note-${unit}`).blur();
    }
  }
  await page.locator('[data-testid="save-status"][data-state="saved"]').waitFor();
  await page.getByTestId('to-review').click();
  await sign(page, 'auditor', '王小明');
  await sign(page, 'siteManager', '李国强');
  const finalise = page.getByTestId('finalise');
  await finalise.waitFor();
  for (let tries = 0; !(await finalise.isEnabled()); tries++) {
    if (tries > 100) throw new Error('finalise stayed disabled');
    await page.waitForTimeout(100);
  }
  await finalise.click();
  await page.getByTestId('audit-status').filter({ hasText: '已定稿' }).waitFor();
  return `${origin}#/audits/${id}/review`;
}
