import { describe, expect, it } from 'vitest';
import {
  KINDS,
  currentStreak,
  heatLevel,
  heatMapLayout,
  historyStart,
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
  it('stacks kinds in a fixed order, tv at the bottom', () => {
    const s = stackActivity([
      day('2026-11-29'),
      day('2026-11-30', { tv: 48, youtube: 12 }),
      day('2026-12-01', { movie: 100, podcast: 20, tv: 20 }),
    ]);
    expect(KINDS.map((k) => k.kind)).toEqual(['tv', 'movie', 'youtube', 'podcast']);
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
