import { cpus, loadavg } from 'node:os';

/** One number of issue 10, with the goal it is held to (absent: shown for context, no goal). */
export interface Figure {
  readonly label: string;
  readonly value: string;
  readonly goal?: string;
  readonly isMet?: boolean;
}

/** What one part of the bench hands back: its figures, for the summary at the end. */
export interface PartResult {
  readonly part: string;
  readonly figures: readonly Figure[];
}

export const loadAverage = (): string =>
  `${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')} on ${String(cpus().length)} cores`;

export const mark = (isMet: boolean | undefined): string =>
  isMet === undefined ? '' : isMet ? 'pass' : 'MISS';

/** Every figure of every part in one table: what the closing note quotes. */
export function summaryTable(results: readonly PartResult[], loadAtStart: string, loadAtEnd: string): string {
  const rows = results.flatMap((r) => r.figures.map((f) => ({ part: r.part, ...f })));
  const width = (pick: (row: (typeof rows)[number]) => string) =>
    Math.max(0, ...rows.map((row) => pick(row).length));
  const labelWidth = width((r) => `${r.part}: ${r.label}`);
  const valueWidth = width((r) => r.value);
  const goalWidth = width((r) => r.goal ?? '');
  const met = rows.filter((r) => r.isMet === true).length;
  const missed = rows.filter((r) => r.isMet === false).length;
  return [
    '',
    `Issue 10, every figure (load average ${loadAtStart} at the start, ${loadAtEnd} at the end; absolute times`,
    'are inflated by whatever else the machine runs, ratios much less):',
    ...rows.map((r) =>
      `  ${`${r.part}: ${r.label}`.padEnd(labelWidth)}  ${r.value.padStart(valueWidth)}  ${(r.goal ?? '').padEnd(goalWidth)}  ${mark(r.isMet)}`.trimEnd(),
    ),
    `  ${String(met)} goals met, ${String(missed)} missed.`,
    '',
  ].join('\n');
}
