// npm run bench, the first-load part (`--only first-load`): the KF02 scoring form, first load, Ducha beside
// SurveyJS rendering the same items and grades, in Debian's Chromium:
//   weight: gzip bytes of every file the page fetched until its first grade control was clickable;
//   first-interactive: navigation start → first grade control in the page, enabled and laid out (a
//     MutationObserver in the page notes the moment), cold: a fresh browser context (no HTTP or code
//     cache) with service workers blocked;
//   Ducha warm: the same, opened again in a context whose service worker is installed and controls it.
// Runs are interleaved (Ducha, SurveyJS, Ducha warm, Ducha, …) on a machine other work shares, so each ratio
// is the median of the ratios of neighbouring runs. Both apps are built by bench/support/apps.ts and served
// in the bench's own process (SurveyJS under /surveyjs/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { z } from 'zod';
import { chromiumArgs, chromiumExecutable } from '../tests/support/chromium';
import { startAuditInApp } from './support/start-audit';
import type { BenchContext } from './support/context';
import type { PartResult } from './support/figures';

const root = join(import.meta.dirname, '..');
const viewport = { width: 1024, height: 1366 };

const surveyVersion = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(join(root, 'node_modules', 'survey-core', 'package.json'), 'utf8'))).version;

const GOALS = { weightBytes: 150 * 1024, coldRatio: 0.5, warmMs: 300 };

/**
 * Notes in the page when its first grade control exists, is enabled and has a box (React and SurveyJS
 * both attach their handlers before the DOM they render is committed), and which files had been asked for.
 */
const noteFirstControl = (selector: string) => `(() => {
  const ready = () => {
    const control = document.querySelector(${JSON.stringify(selector)});
    if (control === null || control.disabled) return false;
    const box = (control.closest('label') ?? control).getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const observer = new MutationObserver(() => {
    if (!ready()) return;
    observer.disconnect();
    const at = performance.now();
    const resources = performance.getEntriesByType('resource').filter((e) => e.startTime <= at).map((e) => e.name);
    window.__firstControl = { at, resources: [location.href, ...resources] };
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
})();`;
const firstControlSchema = z.object({ at: z.number(), resources: z.array(z.string()) });

export interface App {
  readonly name: string;
  readonly url: string;
  readonly selector: string;
  readonly storageState?: Awaited<ReturnType<BrowserContext['storageState']>>;
}
interface Sample {
  readonly ms: number;
  readonly files: readonly string[];
}

const gzipCache = new Map<string, number>();
/** gzip -9 size of a served file, read from the build output. */
function gzipBytes(out: string, url: string): number {
  const { pathname } = new URL(url);
  const file = join(out, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
  let size = gzipCache.get(file);
  if (size === undefined) {
    size = gzipSync(readFileSync(file), { level: 9 }).length;
    gzipCache.set(file, size);
  }
  return size;
}
const weight = (bench: BenchContext, files: readonly string[]) =>
  [
    ...new Set(
      files.filter((url) => url.startsWith(`${bench.origin}/`)).map((f) => f.replace(/[#?].*$/, '')),
    ),
  ].reduce((sum, f) => sum + gzipBytes(bench.out, f), 0);

async function openAndMeasure(context: BrowserContext, app: App): Promise<Sample> {
  const page = await context.newPage();
  try {
    await page.goto(app.url);
    await page.waitForFunction(() => Reflect.get(window, '__firstControl') !== undefined, undefined, {
      timeout: 60_000,
    });
    const noted = firstControlSchema.parse(
      await page.evaluate((): unknown => Reflect.get(window, '__firstControl')),
    );
    return { ms: noted.at, files: noted.resources };
  } finally {
    await page.close();
  }
}

/** A fresh context: no HTTP cache, no compiled code, no service worker; only the app's stored data. */
async function cold(browser: Browser, app: App): Promise<Sample> {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    serviceWorkers: 'block',
    ...(app.storageState ? { storageState: app.storageState } : {}),
  });
  try {
    await context.addInitScript({ content: noteFirstControl(app.selector) });
    return await openAndMeasure(context, app);
  } finally {
    await context.close();
  }
}

/** A KF02 audit started through 新建考核, and the stored state (IndexedDB) a fresh context starts from. */
export async function startKf02Audit(browser: Browser, origin: string): Promise<App> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await startAuditInApp(page, origin, { rubricId: 'KF02', site: '万科·城市花园', auditor: '李明' });
    return {
      name: 'Ducha',
      url: page.url(),
      selector: '.grade-button',
      storageState: await context.storageState({ indexedDB: true }),
    };
  } finally {
    await context.close();
  }
}

/** Proves each selector names a control that takes a grade, so the timing stops at the right element. */
async function checkSelectors(browser: Browser, ducha: App, survey: App): Promise<void> {
  for (const [app, isChosen] of [
    [ducha, '.grade-button[aria-pressed="true"]'],
    [survey, 'input[type="radio"]:checked'],
  ] as const) {
    const context = await browser.newContext({
      viewport,
      serviceWorkers: 'block',
      ...(app.storageState ? { storageState: app.storageState } : {}),
    });
    try {
      const page = await context.newPage();
      await page.goto(app.url);
      const control = page.locator(app.selector).first();
      await control.waitFor({ state: 'attached' });
      // SurveyJS hides the radio itself; the label around it is what takes the tap.
      await page.locator(`label:has(${app.selector}), ${app.selector}:not(input)`).first().click();
      await page.locator(isChosen).first().waitFor({ state: 'attached', timeout: 10_000 });
    } finally {
      await context.close();
    }
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const verdict = (isMet: boolean) => (isMet ? 'met' : 'NOT met');

export async function runFirstLoadBench(bench: BenchContext): Promise<PartResult> {
  const runs = Number(process.env.BENCH_RUNS ?? (bench.quick ? 3 : 7));
  const origin = bench.origin;
  const browser = await chromium.launch({
    executablePath: chromiumExecutable,
    headless: true,
    args: chromiumArgs,
  });
  try {
    const ducha = await startKf02Audit(browser, origin);
    const survey: App = { name: 'SurveyJS', url: `${origin}/surveyjs/`, selector: 'input[type="radio"]' };
    await checkSelectors(browser, ducha, survey);

    // The installed app: its service worker precached everything and controls the pages it opens.
    const warmContext = await browser.newContext({
      viewport,
      locale: 'zh-CN',
      ...(ducha.storageState ? { storageState: ducha.storageState } : {}),
    });
    await warmContext.addInitScript({ content: noteFirstControl(ducha.selector) });
    const installing = await warmContext.newPage();
    await installing.goto(ducha.url);
    await installing.waitForFunction(
      () => navigator.serviceWorker.controller?.state === 'activated',
      undefined,
      {
        timeout: 60_000,
      },
    );
    await installing.close();

    const duchaCold: Sample[] = [];
    const surveyCold: Sample[] = [];
    const duchaWarm: Sample[] = [];
    // One throwaway round first: the preview server and the browser warm up on nobody's clock.
    // A closed context's processes wind down for a while; the next measurement should not pay for them.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));
    for (let round = -1; round < runs; round++) {
      const d = await cold(browser, ducha);
      await settle();
      const s = await cold(browser, survey);
      await settle();
      const w = await openAndMeasure(warmContext, ducha);
      await settle();
      if (round < 0) continue;
      duchaCold.push(d);
      surveyCold.push(s);
      duchaWarm.push(w);
      bench.log(
        `first load ${String(round + 1)}/${String(runs)}: Ducha ${d.ms.toFixed(0)} ms · SurveyJS ${s.ms.toFixed(0)} ms · Ducha warm ${w.ms.toFixed(0)} ms`,
      );
    }
    await warmContext.close();

    const duchaWeight = median(duchaCold.map((s) => weight(bench, s.files)));
    const surveyWeight = median(surveyCold.map((s) => weight(bench, s.files)));
    const coldRatio = median(duchaCold.map((d, i) => d.ms / (surveyCold[i]?.ms ?? NaN)));
    const duchaMs = median(duchaCold.map((s) => s.ms));
    const surveyMs = median(surveyCold.map((s) => s.ms));
    const warmMs = median(duchaWarm.map((s) => s.ms));
    const pad = (text: string, width: number) => text.padEnd(width);
    bench.print(
      [
        `First load of the KF02 scoring form in Chromium, Ducha vs SurveyJS ${surveyVersion} (same items and grades; ${runs} interleaved runs, medians)`,
        `  ${pad('', 48)}${pad('Ducha', 12)}${pad('SurveyJS', 12)}${pad('ratio', 9)}goal`,
        `  ${pad('form weight (gzip, fetched until interactive)', 48)}${pad(kb(duchaWeight), 12)}${pad(kb(surveyWeight), 12)}${pad(`${(duchaWeight / surveyWeight).toFixed(2)}×`, 9)}Ducha ≤ ${kb(GOALS.weightBytes)}: ${verdict(duchaWeight <= GOALS.weightBytes)}`,
        `  ${pad('first grade control clickable, cold', 48)}${pad(`${duchaMs.toFixed(0)} ms`, 12)}${pad(`${surveyMs.toFixed(0)} ms`, 12)}${pad(`${coldRatio.toFixed(2)}×`, 9)}≤ ${GOALS.coldRatio}×: ${verdict(coldRatio <= GOALS.coldRatio)}`,
        `  ${pad('… warm (service worker installed)', 48)}${pad(`${warmMs.toFixed(0)} ms`, 12)}${pad('', 12)}${pad('', 9)}≤ ${GOALS.warmMs} ms: ${verdict(warmMs <= GOALS.warmMs)}`,
        `  (cold: fresh context, service worker blocked, no cache; ratio = median of neighbouring runs' ratios)`,
        '',
      ].join('\n'),
    );
    return {
      part: 'first load',
      figures: [
        {
          label: 'KF02 form route, gzip until interactive',
          value: kb(duchaWeight),
          goal: `≤ ${kb(GOALS.weightBytes)}`,
          isMet: duchaWeight <= GOALS.weightBytes,
        },
        {
          label: 'first grade control, cold, Ducha / SurveyJS',
          value: `${coldRatio.toFixed(2)}×`,
          goal: `≤ ${String(GOALS.coldRatio)}×`,
          isMet: coldRatio <= GOALS.coldRatio,
        },
        {
          label: 'first grade control, warm service worker',
          value: `${warmMs.toFixed(0)} ms`,
          goal: `≤ ${String(GOALS.warmMs)} ms`,
          isMet: warmMs <= GOALS.warmMs,
        },
      ],
    };
  } finally {
    await browser.close();
  }
}
