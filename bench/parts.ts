import { runFirstLoadBench } from './first-load.bench';
import { runCliImportBench } from './head-office.bench';
import { runSheetBench } from './score-sheet.bench';
import { runTapsBench } from './taps.bench';
import type { BenchPart } from './support/context';

/**
 * Every part of `npm run bench`, in the order they run; each gets the served production build and hands back
 * its figures with their goals. A new measurement (a browser one gets `origin` to open its own Chromium on) is
 * one more entry here.
 */
export const benchParts: readonly BenchPart[] = [
  { name: 'sheet', run: runSheetBench },
  { name: 'first-load', run: runFirstLoadBench },
  { name: 'taps', run: runTapsBench },
  { name: 'cli-import', run: runCliImportBench },
];
