/** The zone a sheet is printed in when none is given: the zone renderer 2 printed in, unnamed. */
export const DEFAULT_SHEET_TIME_ZONE = 'Asia/Shanghai';

export interface WallClock {
  readonly year: string;
  readonly month: string;
  readonly day: string;
  readonly hour: string;
  readonly minute: string;
  readonly second: string;
}

/** The date and time a clock in `timeZone` showed at that instant, as zero-padded digits. */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/**
 * "UTC+08:00": how far the zone's clocks were from UTC at that instant (so summer time shows). Worked out
 * from the wall clock rather than read from Intl's offset name, whose spelling differs between runtimes.
 */
export function utcOffset(iso: string, timeZone: string): string {
  const instant = new Date(iso);
  const wall = wallClock(instant, timeZone);
  const asUtc = Date.UTC(
    Number(wall.year),
    Number(wall.month) - 1,
    Number(wall.day),
    Number(wall.hour),
    Number(wall.minute),
    Number(wall.second),
  );
  const seconds = Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 1000);
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  const rest = abs % 60 === 0 ? '' : `:${two(abs % 60)}`;
  return `UTC${sign}${two(Math.floor(abs / 3600))}:${two(Math.floor((abs % 3600) / 60))}${rest}`;
}

/** 2026-11-24T01:30Z → 2026年11月24日 in the zone, as the paper form writes a date. */
export function zonedDate(iso: string, timeZone: string): string {
  const wall = wallClock(new Date(iso), timeZone);
  return `${wall.year}年${wall.month}月${wall.day}日`;
}

/** The zone as the sheet names it: "Asia/Shanghai, UTC+08:00". */
export const zoneLabel = (iso: string, timeZone: string): string =>
  `${timeZone}, ${utcOffset(iso, timeZone)}`;

/**
 * "2026年11月24日 10:30 (Asia/Shanghai, UTC+08:00)": a time that says whose clock it is, so a sheet
 * printed in one zone and read in another cannot be taken for local time.
 */
export function zonedDateTime(iso: string, timeZone: string): string {
  const wall = wallClock(new Date(iso), timeZone);
  return `${zonedDate(iso, timeZone)} ${wall.hour}:${wall.minute} (${zoneLabel(iso, timeZone)})`;
}
