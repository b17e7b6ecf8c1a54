import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { baseURL } from './browser';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const photoFixture = join(repoRoot, 'public', 'icons', 'icon-512.png');

/** Polls until the assertion passes (the UI updates after IndexedDB and live queries settle). */
export async function eventually(assertion: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export const text = async (locator: Locator): Promise<string> => ((await locator.textContent()) ?? '').trim();

export function fixtureGrades(name: string): Record<string, string> {
  const parsed: unknown = JSON.parse(
    readFileSync(join(repoRoot, 'tests', 'fixtures', 'answers', `${name}.json`), 'utf8'),
  );
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !('grades' in parsed) ||
    typeof parsed.grades !== 'object' ||
    parsed.grades === null
  ) {
    throw new Error(`${name}: no grades`);
  }
  return Object.fromEntries(Object.entries(parsed.grades).map(([k, v]) => [k, String(v)]));
}

export class AuditApp {
  /** `origin`: where the app is opened from; the test app server unless a real server serves it. */
  constructor(
    readonly page: Page,
    private readonly origin?: string,
  ) {}

  async open(path = ''): Promise<void> {
    await this.page.goto(`${this.origin ?? baseURL()}${path}`);
  }

  async waitSaved(): Promise<void> {
    await this.page.locator('[data-testid="save-status"][data-state="saved"]').waitFor();
  }

  async newAudit(options: {
    rubric: string;
    site: string;
    auditor: string;
    mode?: 'covert' | 'onsite';
  }): Promise<string> {
    await this.open('#/new');
    return this.startAudit(options);
  }

  /** Fills the 新建考核 form already on screen and starts the audit; returns its id. */
  async startAudit(options: {
    rubric: string;
    site: string;
    auditor: string;
    mode?: 'covert' | 'onsite';
  }): Promise<string> {
    await this.page.getByTestId('rubric-select').selectOption(options.rubric);
    const siteSelect = this.page.getByTestId('site-select');
    if ((await siteSelect.count()) > 0) await siteSelect.selectOption('new');
    await this.page.getByTestId('site-name').fill(options.site);
    await this.page.getByTestId('auditor').fill(options.auditor);
    if (options.mode === 'onsite') await this.page.getByLabel('现场检查').check();
    await this.page.getByTestId('start-audit').click();
    await this.page.waitForURL(/#\/audits\/[0-9a-f-]{36}$/);
    const id = /#\/audits\/([0-9a-f-]{36})/.exec(this.page.url())?.[1];
    if (!id) throw new Error(`no audit id in ${this.page.url()}`);
    await this.page.getByTestId('running-total').waitFor();
    return id;
  }

  gradeButton(unit: string, grade: string): Locator {
    return this.page.getByTestId(`grade-${unit}-${grade}`);
  }

  async grade(unit: string, grade: string): Promise<void> {
    const button = this.gradeButton(unit, grade);
    await button.click();
    // Stored, not just shown: data-grade comes from the IndexedDB row via the live query.
    await eventually(async () => {
      expect(await button.getAttribute('aria-pressed')).toBe('true');
      expect(await this.page.locator(`[data-unit-id="${unit}"]`).getAttribute('data-grade')).toBe(grade);
    });
  }

  async gradeAll(grades: Record<string, string>): Promise<void> {
    for (const [unit, grade] of Object.entries(grades)) await this.grade(unit, grade);
  }

  async runningTotal(): Promise<string> {
    return text(this.page.getByTestId('running-total'));
  }

  async sign(role: 'auditor' | 'siteManager', name: string): Promise<void> {
    await this.page.getByTestId(`signer-name-${role}`).fill(name);
    const pad = this.page.getByTestId(`signature-pad-${role}`);
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    if (!box) throw new Error('signature pad not visible');
    const { mouse } = this.page;
    await mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.6);
    await mouse.down();
    for (let i = 1; i <= 12; i++)
      await mouse.move(
        box.x + box.width * (0.1 + i * 0.06),
        box.y + box.height * (0.6 - Math.sin(i / 2) * 0.3),
      );
    await mouse.up();
    await this.page.getByTestId(`confirm-signature-${role}`).click();
    await this.page.getByTestId(`signed-${role}`).waitFor();
  }

  async finalise(): Promise<void> {
    const button = this.page.getByTestId('finalise');
    await eventually(async () => {
      expect(await button.isEnabled()).toBe(true);
    });
    await button.click();
    await eventually(async () => {
      expect(await text(this.page.getByTestId('audit-status'))).toBe('已定稿');
    });
  }
}
