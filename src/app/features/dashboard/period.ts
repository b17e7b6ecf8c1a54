/**
 * Dashboard periods. Presets are anchored on the newest audit in the data rather than on today, so a
 * head office looking at last quarter's bundles (or a generated data set) still sees "this month"
 * filled. Calendar boundaries are the device's local time: a month starts at local midnight.
 */
export const periodKinds = ['month', 'lastMonth', 'quarter', 'year', 'custom'] as const;
export type PeriodKind = (typeof periodKinds)[number];
export type PresetPeriod = Exclude<PeriodKind, 'custom'>;

export interface Bounds {
  readonly from: string;
  readonly to: string;
}

export const isPeriodKind = (value: string): value is PeriodKind => periodKinds.some((k) => k === value);

/** [first instant of `start`, last millisecond before `end`], as ISO strings the domain filter compares. */
const span = (start: Date, end: Date): Bounds => ({
  from: start.toISOString(),
  to: new Date(end.getTime() - 1).toISOString(),
});

export function presetBounds(kind: PresetPeriod, newest: Date): Bounds {
  const y = newest.getFullYear();
  const m = newest.getMonth();
  switch (kind) {
    case 'month':
      return span(new Date(y, m, 1), new Date(y, m + 1, 1));
    case 'lastMonth':
      return span(new Date(y, m - 1, 1), new Date(y, m, 1));
    case 'quarter': {
      const q = m - (m % 3);
      return span(new Date(y, q, 1), new Date(y, q + 3, 1));
    }
    case 'year':
      // Twelve whole calendar months ending with the newest audit's month.
      return span(new Date(y, m - 11, 1), new Date(y, m + 1, 1));
  }
}

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function localDay(value: string): Date | undefined {
  const match = dayPattern.exec(value);
  if (!match) return undefined;
  const [, y, m, d] = match;
  return new Date(Number(y), Number(m) - 1, Number(d));
}

/**
 * Whole local days from <input type="date"> values; an empty side is open. Days given the wrong way
 * round are swapped rather than showing nothing.
 */
export function customBounds(fromDay: string, toDay: string): Partial<Bounds> {
  let start = localDay(fromDay);
  let end = localDay(toDay);
  if (start && end && start > end) [start, end] = [end, start];
  return {
    ...(start ? { from: start.toISOString() } : {}),
    ...(end
      ? {
          to: new Date(
            new Date(end.getFullYear(), end.getMonth(), end.getDate() + 1).getTime() - 1,
          ).toISOString(),
        }
      : {}),
  };
}

/** The local calendar day of an instant, as <input type="date"> wants it. */
export function toDayValue(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
