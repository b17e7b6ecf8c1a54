import { fromHundredths, fromTenths } from '../domain/index';
import { DATE_TIME_OPTIONS } from './date-time-options';

/** Points from integer hundredths, as the paper sheet writes them (12, 9.6, 0.48). */
export const formatPoints = (hundredths: number): string => String(fromHundredths(hundredths));

export const formatPercent = (tenths: number | null): string =>
  tenths === null ? '—' : `${fromTenths(tenths).toFixed(1)}%`;

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
/**
 * One formatter per language, made once. The first Intl object a page makes costs 15–45 ms (the browser
 * loads the locale's data): index.html's first script makes one while the modules download (see
 * build-plugins/route-preload.ts), and main.tsx this one while the first screen's data loads.
 */
export function dateTimeFormat(language: string): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(language);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(language, DATE_TIME_OPTIONS);
    dateTimeFormats.set(language, format);
  }
  return format;
}

export const formatDateTime = (iso: string, language: string): string =>
  dateTimeFormat(language).format(new Date(iso));

/** A value for <input type="datetime-local"> in the device's time zone. */
export function toLocalInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
