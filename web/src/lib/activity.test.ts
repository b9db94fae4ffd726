import { describe, expect, it } from 'vitest';
import {
  cumulativeHours,
  currentStreak,
  formatShare,
  goalProgress,
  heatLevel,
  heatMapLayout,
  historyStart,
  includesLogs,
  kindsOf,
  longestStreak,
  monthlyCumulative,
  stackActivity,
  type ActivityDay,
} from './activity';
import { addDays, chunkRange, lastDays } from './dates';

function day(date: string, minutes: Partial<Record<string, number>> = {}): ActivityDay {
  const total = Object.values(minutes).reduce<number>((a, b) => a + (b ?? 0), 0);
  const items = Object.fromEntries(Object.keys(minutes).map((k) => [k, 1]));
  return { date, total_minutes: total, minutes, items };
}

function days(from: string, count: number, minutesOf: (i: number) => Partial<Record<string, number>> = () => ({})): ActivityDay[] {
  return Array.from({ length: count }, (_, i) => day(addDays(from, i), minutesOf(i)));
}

describe('stackActivity', () => {
  it('stacks the mediums present in a fixed order, tv at the bottom', () => {
    const s = stackActivity([
      day('2026-11-29'),
      day('2026-11-30', { tv: 48, youtube: 12 }),
      day('2026-12-01', { movie: 100, podcast: 20, tv: 20 }),
    ]);
    expect(s.kinds.map((k) => k.kind)).toEqual(['tv', 'movie', 'youtube', 'podcast']);
    expect(s.kinds.map((k) => k.label)).toEqual(['TV', 'Movies', 'YouTube', 'Podcasts']);
    expect(s.dates).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
    expect(s.minutes.tv).toEqual([0, 48, 20]);
    expect(s.minutes.youtube).toEqual([0, 12, 0]);
    expect(s.stacked).toEqual([
      [0, 48, 20], // tv
      [0, 48, 120], // + movie
      [0, 60, 120], // + youtube
      [0, 60, 140], // + podcast = the top of each bar
    ]);
    expect(s.totals).toEqual([0, 60, 140]);
  });
  it('takes the mediums of logs, and unknown ones last', () => {
    const s = stackActivity([day('2026-12-01', { book: 30, zither: 5, tv: 10 }), day('2026-12-02', { manga: 15 })]);
    expect(s.kinds).toEqual([
      { kind: 'tv', label: 'TV' },
      { kind: 'book', label: 'Books' },
      { kind: 'manga', label: 'Manga' },
      { kind: 'zither', label: 'Zither' },
    ]);
    expect(s.stacked[s.stacked.length - 1]).toEqual([45, 15]);
  });
  it('has no series for days without immersion', () => {
    const s = stackActivity(days('2026-12-01', 3));
    expect(s.kinds).toEqual([]);
    expect(s.stacked).toEqual([]);
    expect(s.totals).toEqual([0, 0, 0]);
  });
  it('counts a medium with items but no whole minute', () => {
    const d: ActivityDay = { date: '2026-12-01', total_minutes: 0, minutes: { youtube: 0 }, items: { youtube: 1 } };
    expect(kindsOf([d]).map((k) => k.kind)).toEqual(['youtube']);
  });
});

describe('heatMapLayout', () => {
  it('puts weeks in columns with Monday on top', () => {
    // 2026-12-02 is a Wednesday: the first column starts on Monday 2026-11-30.
    const layout = heatMapLayout(days('2026-12-02', 12));
    expect(layout.cells[0]).toMatchObject({ date: '2026-12-02', weekday: 2, week: 0 });
    expect(layout.cells[4]).toMatchObject({ date: '2026-12-06', weekday: 6, week: 0 }); // Sunday
    expect(layout.cells[5]).toMatchObject({ date: '2026-12-07', weekday: 0, week: 1 }); // Monday
    expect(layout.weeks).toBe(2);
  });
  it('lays out a year in 53 or 54 columns, every day once', () => {
    const year = lastDays('2026-12-02', 365);
    const layout = heatMapLayout(days(year.from, 365));
    expect(layout.cells).toHaveLength(365);
    expect(layout.weeks).toBeGreaterThanOrEqual(53);
    expect(layout.weeks).toBeLessThanOrEqual(54);
    const seen = new Set(layout.cells.map((c) => `${c.week}:${c.weekday}`));
    expect(seen.size).toBe(365);
    expect(layout.cells[364]!.date).toBe('2026-12-02');
    // A label at each month start: Jan..Dec, plus the partial first month when there is room.
    expect(layout.months.map((m) => m.label)).toContain('Jan');
    expect(layout.months.filter((m) => m.label === 'Dec').length).toBeGreaterThanOrEqual(1);
  });
  it('maps minutes to levels', () => {
    expect([0, 1, 29, 30, 59, 60, 119, 120, 600].map(heatLevel)).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });
  it('is empty without days', () => {
    expect(heatMapLayout([])).toEqual({ cells: [], weeks: 0, months: [] });
  });
});

describe('streaks', () => {
  it('counts up to today, or yesterday while today is empty', () => {
    const d = days('2026-11-25', 7, (i) => (i === 1 ? {} : { tv: 20 }));
    expect(currentStreak(d)).toBe(5);
    const withEmptyToday = [...d, day('2026-12-02')];
    expect(currentStreak(withEmptyToday)).toBe(5);
    expect(currentStreak([...withEmptyToday, day('2026-12-03')])).toBe(0);
    expect(longestStreak(d)).toBe(5);
  });
});

describe('monthlyCumulative', () => {
  it('sums months from the first active one and truncates hours', () => {
    const d = [
      ...days('2025-11-01', 30), // nothing in November
      ...days('2025-12-01', 31, (i) => (i === 0 ? { tv: 59 } : i === 30 ? { youtube: 2 } : {})), // 61 min
      ...days('2026-01-01', 31), // nothing in January
      ...days('2026-02-01', 28, (i) => (i < 2 ? { movie: 90 } : {})), // 180 min
    ];
    expect(monthlyCumulative(d)).toEqual([
      { label: 'Dec 2025', cumulative_hours: 1 },
      { label: 'Jan 2026', cumulative_hours: 1 },
      { label: 'Feb 2026', cumulative_hours: 4 },
    ]);
  });
  it('joins chunks in any order without counting a day twice', () => {
    const all = days('2024-01-01', 800, (i) => ({ tv: i % 3 === 0 ? 45 : 0 }));
    const chunks = chunkRange({ from: '2024-01-01', to: all[all.length - 1]!.date }).map((c) =>
      all.filter((x) => x.date >= c.from && x.date <= c.to),
    );
    expect(chunks.length).toBe(3);
    const joined = monthlyCumulative([...chunks[2]!, ...chunks[0]!, ...chunks[1]!]);
    expect(joined).toEqual(monthlyCumulative(all));
    const totalMinutes = all.reduce((s, x) => s + x.total_minutes, 0);
    expect(joined[joined.length - 1]!.cumulative_hours).toBe(Math.floor(totalMinutes / 60));
    expect(joined[0]!.label).toBe('Jan 2024');
  });
  it('is empty without minutes', () => {
    expect(monthlyCumulative(days('2026-01-01', 40))).toEqual([]);
  });
  it('ends on /progress total_hours_watched, not the sum of rounded days', () => {
    // 3 days of 59 minutes a day counted as 59 each: 177 min = 2 h, but the server's seconds say 3 h.
    const d = days('2026-01-30', 5, (i) => (i < 3 ? { tv: 59 } : {}));
    expect(monthlyCumulative(d)).toEqual([
      { label: 'Jan 2026', cumulative_hours: 1 },
      { label: 'Feb 2026', cumulative_hours: 2 },
    ]);
    expect(monthlyCumulative(d, 3)).toEqual([
      { label: 'Jan 2026', cumulative_hours: 1 },
      { label: 'Feb 2026', cumulative_hours: 3 },
    ]);
    // Never a step down: no earlier month above the total.
    expect(monthlyCumulative(d, 1).map((p) => p.cumulative_hours)).toEqual([1, 1]);
    expect(monthlyCumulative(days('2026-01-01', 3), 5)).toEqual([]);
  });
  it('starts the history two days before the first item (DST)', () => {
    expect(historyStart('2026-12-02', 20)).toBe('2026-11-10');
    expect(historyStart('2026-12-02', 0)).toBe('2026-11-30');
  });
});

describe('cumulativeHours by quarter', () => {
  it('labels quarters by their first month, as the server does', () => {
    const d = [
      ...days('2025-11-01', 30, (i) => (i === 0 ? { book: 120 } : {})), // Q4 2025: 2 h
      ...days('2026-01-01', 31), // Q1 2026: nothing in January
      ...days('2026-05-01', 31, (i) => (i < 3 ? { manga: 60 } : {})), // Q2 2026: 3 h
    ];
    expect(cumulativeHours(d, 'quarter')).toEqual([
      { label: 'Oct 2025', cumulative_hours: 2 },
      { label: 'Jan 2026', cumulative_hours: 2 },
      { label: 'Apr 2026', cumulative_hours: 5 },
    ]);
    expect(cumulativeHours(d, 'quarter', 6).map((p) => p.cumulative_hours)).toEqual([2, 2, 6]);
  });
  it('agrees with the months at each quarter end', () => {
    const all = days('2024-01-01', 700, (i) => ({ tv: i % 5 === 0 ? 50 : 0, book: i % 7 === 0 ? 30 : 0 }));
    const months = monthlyCumulative(all);
    const quarters = cumulativeHours(all, 'quarter');
    expect(quarters[quarters.length - 1]!.cumulative_hours).toBe(months[months.length - 1]!.cumulative_hours);
    // The quarter of Jan 2024 ends with March 2024.
    expect(quarters[0]!.cumulative_hours).toBe(months[2]!.cumulative_hours);
  });
});

describe('includesLogs', () => {
  it('tells synced-only totals from ones with logs', () => {
    const synced = [
      { medium: 'tv', items: 5 },
      { medium: 'movie', items: 1 },
    ];
    expect(includesLogs(synced, 6, 300, 5)).toBe(false);
    expect(includesLogs([...synced, { medium: 'book', items: 1 }], 6, 350, 5)).toBe(true);
    // A TV log: more tv items than synced episodes.
    expect(includesLogs([{ medium: 'tv', items: 6 }, synced[1]!], 6, 300, 5)).toBe(true);
    // Logged minutes that add an hour.
    expect(includesLogs(synced, 6, 360, 5)).toBe(true);
    expect(includesLogs([], 0, 0, 0)).toBe(false);
  });
});

describe('formatShare and goalProgress', () => {
  it('rounds percentages and keeps slivers visible', () => {
    expect(formatShare(62, 100)).toBe('62%');
    expect(formatShare(1, 3)).toBe('33%');
    expect(formatShare(1, 1000)).toBe('<1%');
    expect(formatShare(0, 100)).toBe('0%');
    expect(formatShare(5, 0)).toBe('0%');
  });
  it('goes from 0 to 1 and stops there', () => {
    expect(goalProgress(0, 60)).toBe(0);
    expect(goalProgress(30, 60)).toBe(0.5);
    expect(goalProgress(90, 60)).toBe(1);
    expect(goalProgress(30, 0)).toBe(0);
  });
});
