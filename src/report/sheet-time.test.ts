import { describe, expect, it } from 'vitest';
import { utcOffset, zonedDate, zonedDateTime } from './sheet-time';

describe('times on the sheet carry their zone', () => {
  it('prints the wall-clock time in the zone and names the zone and its offset', () => {
    // 02:30 UTC is 10:30 in Shanghai (UTC+8, no summer time).
    expect(zonedDateTime('2026-11-24T02:30:00.000Z', 'Asia/Shanghai')).toBe(
      '2026年11月24日 10:30 (Asia/Shanghai, UTC+08:00)',
    );
    expect(zonedDateTime('2026-11-24T02:30:00.000Z', 'UTC')).toBe('2026年11月24日 02:30 (UTC, UTC+00:00)');
    // The same instant is still 23 November in Los Angeles (UTC−8 in winter).
    expect(zonedDateTime('2026-11-24T02:30:00.000Z', 'America/Los_Angeles')).toBe(
      '2026年11月23日 18:30 (America/Los_Angeles, UTC-08:00)',
    );
  });

  it('reads an instant written with an offset as that instant', () => {
    expect(zonedDateTime('2026-11-24T10:30:00+08:00', 'UTC')).toBe('2026年11月24日 02:30 (UTC, UTC+00:00)');
  });

  it('shows summer time as the offset in force at that instant', () => {
    expect(utcOffset('2026-07-01T12:00:00Z', 'Europe/Berlin')).toBe('UTC+02:00');
    expect(utcOffset('2026-01-15T12:00:00Z', 'Europe/Berlin')).toBe('UTC+01:00');
    expect(utcOffset('2026-07-01T12:00:00Z', 'America/Los_Angeles')).toBe('UTC-07:00');
  });

  it('half and quarter hours', () => {
    expect(utcOffset('2026-11-24T02:30:00Z', 'Asia/Kolkata')).toBe('UTC+05:30');
    expect(utcOffset('2026-11-24T02:30:00Z', 'Asia/Kathmandu')).toBe('UTC+05:45');
    expect(zonedDateTime('2026-11-24T20:00:00Z', 'Asia/Kolkata')).toBe(
      '2026年11月25日 01:30 (Asia/Kolkata, UTC+05:30)',
    );
  });

  it('the date crosses midnight in the zone, not in UTC', () => {
    expect(zonedDate('2026-11-30T17:30:00.000Z', 'Asia/Shanghai')).toBe('2026年12月01日');
    expect(zonedDate('2026-11-30T17:30:00.000Z', 'UTC')).toBe('2026年11月30日');
  });
});
