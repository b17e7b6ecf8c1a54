import { fromHundredths, fromTenths } from '../domain/index';

/** Points from integer hundredths, as the paper sheet writes them (12, 9.6, 0.48). */
export const formatPoints = (hundredths: number): string => String(fromHundredths(hundredths));

export const formatPercent = (tenths: number | null): string =>
  tenths === null ? '—' : `${fromTenths(tenths).toFixed(1)}%`;

export function formatDateTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** A value for <input type="datetime-local"> in the device's time zone. */
export function toLocalInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
