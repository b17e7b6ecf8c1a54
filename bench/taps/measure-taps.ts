// Tap latency on the scoring form, measured inside the page (no instrumentation in the app):
//   tap → committed: the grade button's click event → the `complete` event of the next read-write IndexedDB
//     transaction on `answers` (the row is durable; a probe wraps IDBDatabase.prototype.transaction);
//   tap → 已保存: the same click → the save-status pill next turning to data-state="saved".
// The click's own timestamp is the start, so time the event waited for a busy main thread counts too.
import type { Page } from 'playwright-core';
import { z } from 'zod';

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface TapLatency {
  readonly taps: number;
  readonly committed: Percentiles;
  readonly saved: Percentiles;
}

export interface MeasureTapsOptions {
  /** How many taps (at least 50 for a p95 worth quoting). */
  readonly taps?: number;
  /** Pause after each tap has saved, as between an auditor's taps; lets the page settle. */
  readonly pauseMs?: number;
}

/** Installed before the app loads, so the app's own database connection goes through the wrapper. */
const probe = `(() => {
  const noted = { taps: [], commits: [], saved: [] };
  window.__tapProbe = noted;
  document.addEventListener('click', (event) => {
    const target = event.target;
    if (target instanceof Element && target.closest('.grade-button')) noted.taps.push(event.timeStamp);
  }, true);
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (names, mode, options) {
    const tx = transaction.call(this, names, mode, options);
    const stores = typeof names === 'string' ? [names] : Array.from(names);
    if (mode === 'readwrite' && stores.includes('answers'))
      tx.addEventListener('complete', () => noted.commits.push(performance.now()));
    return tx;
  };
  new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target;
      if (target instanceof HTMLElement && target.dataset.testid === 'save-status' && target.dataset.state === 'saved')
        noted.saved.push(performance.now());
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
})();`;

const notedSchema = z.object({
  taps: z.array(z.number()),
  commits: z.array(z.number()),
  saved: z.array(z.number()),
});

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const value = sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  if (value === undefined) throw new Error('no samples');
  return value;
}

function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    max: round(percentile(sorted, 100)),
  };
}

/**
 * Taps grade buttons on the draft scoring form `page` shows (any rubric; KF3 in the issue) and returns the
 * percentiles. The page is reloaded once to install the probe. Every tap changes its unit's grade: the
 * units in order, one grade per pass (符合, then 基本符合, …).
 */
export async function measureTaps(page: Page, options: MeasureTapsOptions = {}): Promise<TapLatency> {
  const taps = options.taps ?? 60;
  const pauseMs = options.pauseMs ?? 250;
  await page.addInitScript({ content: probe });
  await page.reload();
  await page.getByTestId('running-total').waitFor();
  await page.locator('[data-testid="save-status"][data-state="saved"]').waitFor();
  // The whole form (it renders the first screenful first).
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="unit"]').length > 4);
  const units = await page
    .locator('[data-testid="unit"]')
    .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-unit-id') ?? ''));
  const grades = ['compliant', 'mostly', 'partly', 'non_compliant'];

  const read = async () => notedSchema.parse(await page.evaluate((): unknown => Reflect.get(window, '__tapProbe')));
  const committed: number[] = [];
  const saved: number[] = [];
  for (let i = 0; i < taps; i++) {
    const unit = units[i % units.length];
    const grade = grades[Math.floor(i / units.length) % grades.length];
    if (unit === undefined || grade === undefined) throw new Error('the form shows no graded units');
    const before = await read();
    await page.getByTestId(`grade-${unit}-${grade}`).click();
    // Done when this tap's click, a commit after it and 已保存 after that commit have all been noted.
    await page.waitForFunction(
      (tapCount) => {
        const noted: unknown = Reflect.get(window, '__tapProbe');
        if (typeof noted !== 'object' || noted === null) return false;
        const taps: unknown = Reflect.get(noted, 'taps');
        const commits: unknown = Reflect.get(noted, 'commits');
        const savedAt: unknown = Reflect.get(noted, 'saved');
        if (!Array.isArray(taps) || !Array.isArray(commits) || !Array.isArray(savedAt)) return false;
        const tap: unknown = taps[tapCount];
        if (typeof tap !== 'number') return false;
        const commit: unknown = commits.find((c: unknown) => typeof c === 'number' && c >= tap);
        return typeof commit === 'number' && savedAt.some((s: unknown) => typeof s === 'number' && s >= commit);
      },
      before.taps.length,
    );
    const after = await read();
    const tap = after.taps[before.taps.length];
    if (tap === undefined) throw new Error(`tap ${i} was not noted`);
    const commit = after.commits.find((c) => c >= tap);
    const shown = after.saved.find((s) => commit !== undefined && s >= commit);
    if (commit === undefined || shown === undefined) throw new Error(`tap ${i}: no commit or 已保存 noted`);
    committed.push(commit - tap);
    saved.push(shown - tap);
    await page.waitForTimeout(pauseMs);
  }
  return { taps, committed: percentiles(committed), saved: percentiles(saved) };
}
