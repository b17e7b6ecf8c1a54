import { z } from 'zod';

/**
 * The span every date the system takes must fall in. Wider than any inspection, narrow enough that a year
 * 0001 or 9999 (±23:59 offsets push those past what PostgreSQL or Date can hold) never reaches a query.
 */
export const EARLIEST_INSTANT = '2000-01-01T00:00:00Z';
export const LATEST_INSTANT = '2100-12-31T23:59:59Z';
const earliest = Date.parse(EARLIEST_INSTANT);
const latest = Date.parse(LATEST_INSTANT);

export const INSTANT_RANGE_MESSAGE = `须在 2000-01-01 至 2100-12-31（UTC）之间 (must be between ${EARLIEST_INSTANT} and ${LATEST_INSTANT})`;

export const isSaneInstant = (text: string): boolean => {
  const at = Date.parse(text);
  return !Number.isNaN(at) && at >= earliest && at <= latest;
};

/** An ISO 8601 date-time with an offset, within [EARLIEST_INSTANT, LATEST_INSTANT]. */
export const saneInstant = (formatMessage = 'must be an ISO 8601 date-time') =>
  z.iso.datetime({ offset: true, error: formatMessage }).refine(isSaneInstant, INSTANT_RANGE_MESSAGE);
