import { describe, expect, it } from 'vitest';
import {
  addDays,
  chunkRange,
  daysBetween,
  formatDay,
  formatServerDate,
  lastDays,
  monthLabel,
  parseServerTime,
  timeAgo,
  todayIn,
  weekdayMondayFirst,
} from './dates';

describe('todayIn', () => {
  // 2026-11-30 11:30 UTC is already Dec 1 in Auckland (UTC+13) and still Nov 30 in Los Angeles.
  const now = new Date('2026-11-30T11:30:00Z');
  it('uses the given zone, not the machine one', () => {
    expect(todayIn('Pacific/Auckland', now)).toBe('2026-12-01');
    expect(todayIn('America/Los_Angeles', now)).toBe('2026-11-30');
    expect(todayIn('UTC', now)).toBe('2026-11-30');
    expect(todayIn('Etc/UTC', now)).toBe('2026-11-30');
  });
  it('turns at midnight in the zone', () => {
    expect(todayIn('Asia/Tokyo', new Date('2026-06-30T14:59:59Z'))).toBe('2026-06-30');
    expect(todayIn('Asia/Tokyo', new Date('2026-06-30T15:00:00Z'))).toBe('2026-07-01');
  });
  it('falls back to UTC for a zone the browser does not know', () => {
    expect(todayIn('Mars/Olympus_Mons', now)).toBe('2026-11-30');
  });
  it('turns at the hour the user’s day begins, as the server counts', () => {
    // 02:30 in Tokyo on Dec 2: with days beginning at 4, still Dec 1.
    const early = new Date('2026-12-01T17:30:00Z');
    expect(todayIn('Asia/Tokyo', early)).toBe('2026-12-02');
    expect(todayIn('Asia/Tokyo', early, 4)).toBe('2026-12-01');
    expect(todayIn('Asia/Tokyo', early, 2)).toBe('2026-12-02');
    expect(todayIn('Asia/Tokyo', new Date('2026-12-01T18:59:59Z'), 4)).toBe('2026-12-01');
    expect(todayIn('Asia/Tokyo', new Date('2026-12-01T19:00:00Z'), 4)).toBe('2026-12-02');
    // Across a month and a year.
    expect(todayIn('UTC', new Date('2027-01-01T03:00:00Z'), 4)).toBe('2026-12-31');
    expect(todayIn('UTC', new Date('2027-01-01T00:00:00Z'), 0)).toBe('2027-01-01');
  });
});

describe('date arithmetic', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30'); // a DST change in Europe: no effect
  });
  it('counts days between dates', () => {
    expect(daysBetween('2026-01-01', '2026-12-31')).toBe(364);
    expect(daysBetween('2026-12-31', '2026-01-01')).toBe(-364);
  });
  it('knows the weekday, Monday first', () => {
    expect(weekdayMondayFirst('2026-11-30')).toBe(0); // a Monday
    expect(weekdayMondayFirst('2026-12-06')).toBe(6); // a Sunday
  });
  it('formats', () => {
    expect(formatDay('2026-12-02')).toBe('Wed 2 Dec 2026');
    expect(monthLabel('2025-01')).toBe('Jan 2025');
    expect(monthLabel('2025-10-17')).toBe('Oct 2025');
  });
});

describe('ranges', () => {
  it('the last N days include today', () => {
    expect(lastDays('2026-12-02', 7)).toEqual({ from: '2026-11-26', to: '2026-12-02' });
    expect(lastDays('2026-12-02', 1)).toEqual({ from: '2026-12-02', to: '2026-12-02' });
  });
  it('365 days is today-364..today', () => {
    const r = lastDays('2026-12-02', 365);
    expect(r).toEqual({ from: '2025-12-03', to: '2026-12-02' });
    expect(daysBetween(r.from, r.to) + 1).toBe(365);
  });
  it('refuses nonsense', () => {
    expect(() => lastDays('2026-12-02', 0)).toThrow();
  });
});

describe('chunkRange', () => {
  it('keeps a short range whole', () => {
    expect(chunkRange({ from: '2026-01-01', to: '2026-01-01' })).toEqual([{ from: '2026-01-01', to: '2026-01-01' }]);
    expect(chunkRange({ from: '2026-01-01', to: '2027-01-01' })).toEqual([{ from: '2026-01-01', to: '2027-01-01' }]);
  });
  it('splits into consecutive chunks of at most 366 days', () => {
    const chunks = chunkRange({ from: '2023-03-10', to: '2026-12-02' });
    expect(chunks[0]!.from).toBe('2023-03-10');
    expect(chunks[chunks.length - 1]!.to).toBe('2026-12-02');
    let total = 0;
    chunks.forEach((c, i) => {
      const len = daysBetween(c.from, c.to) + 1;
      expect(len).toBeGreaterThan(0);
      expect(len).toBeLessThanOrEqual(366);
      total += len;
      if (i > 0) expect(c.from).toBe(addDays(chunks[i - 1]!.to, 1));
    });
    expect(total).toBe(daysBetween('2023-03-10', '2026-12-02') + 1);
    expect(chunks).toHaveLength(4);
  });
  it('splits 367 days into 366 + 1', () => {
    expect(chunkRange({ from: '2026-01-01', to: '2027-01-02' })).toEqual([
      { from: '2026-01-01', to: '2027-01-01' },
      { from: '2027-01-02', to: '2027-01-02' },
    ]);
  });
  it('gives nothing for a reversed range', () => {
    expect(chunkRange({ from: '2026-01-02', to: '2026-01-01' })).toEqual([]);
  });
});

describe('server time stamps', () => {
  it('reads UTC without a suffix, with microseconds', () => {
    expect(parseServerTime('2026-11-22T10:30:00.123456')!.toISOString()).toBe('2026-11-22T10:30:00.123Z');
    expect(parseServerTime(1_700_000_000)!.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(parseServerTime('garbage')).toBeNull();
  });
  it('says how long ago', () => {
    const now = new Date('2026-11-25T10:30:00Z');
    expect(timeAgo('2026-11-23T10:30:00.123456', now)).toBe('2 days ago');
    expect(timeAgo('2026-11-22T10:30:00.000000', now)).toBe('3 days ago');
    expect(timeAgo('2026-11-24T10:00:00', now)).toBe('1 day ago');
    expect(timeAgo('2026-11-25T10:29:30', now)).toBe('just now');
    expect(timeAgo('2026-11-25T09:30:00', now)).toBe('1 hour ago');
  });
  it('shows the date in the user zone', () => {
    expect(formatServerDate('2026-12-01T20:00:00.000000', 'Pacific/Auckland')).toBe('2 Dec 2026');
    expect(formatServerDate('2026-12-01T20:00:00.000000', 'UTC')).toBe('1 Dec 2026');
  });
});
