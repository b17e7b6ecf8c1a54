// Tap latency on the KF3 scoring form (issue 10): tap → row committed in IndexedDB, and tap → 已保存,
// measured in the page by bench/taps/measure-taps.ts against the production build.
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumExecutable } from '../tests/support/chromium';
import type { BenchContext } from './support/context';
import { startAuditInApp } from './support/start-audit';
import type { PartResult } from './support/figures';
import { measureTaps, type Percentiles } from './taps/measure-taps';

const ms = (value: number) => `${value.toFixed(1)} ms`;
const line = (name: string, p: Percentiles) =>
  `  ${name.padEnd(22)} p50 ${ms(p.p50).padStart(9)}  p95 ${ms(p.p95).padStart(9)}  max ${ms(p.max).padStart(9)}`;

export async function runTapsBench(bench: BenchContext): Promise<PartResult> {
  const browser = await chromium.launch({ executablePath: chromiumExecutable, args: chromiumArgs });
  try {
    const context = await browser.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'zh-CN',
      serviceWorkers: 'block',
    });
    const page = await context.newPage();
    await startAuditInApp(page, bench.origin, { rubricId: 'KF3', site: '万科·城市花园', auditor: '李明' });
    const taps = bench.quick ? 50 : 100;
    bench.log(`taps: ${String(taps)} taps on KF3`);
    const result = await measureTaps(page, { taps });
    bench.print(
      [
        `Tap latency, KF3, ${String(result.taps)} taps (production build, Chromium):`,
        line('tap → committed', result.committed),
        line('tap → 已保存', result.saved),
      ].join('\n'),
    );
    await context.close();
    return {
      part: 'taps',
      figures: [
        { label: 'tap → committed p50', value: ms(result.committed.p50) },
        { label: 'tap → committed p95', value: ms(result.committed.p95), goal: '≤ 30 ms', isMet: result.committed.p95 <= 30 },
        { label: 'tap → 已保存 p50', value: ms(result.saved.p50) },
        { label: 'tap → 已保存 p95', value: ms(result.saved.p95), goal: '≤ 50 ms', isMet: result.saved.p95 <= 50 },
      ],
    };
  } finally {
    await browser.close();
  }
}
