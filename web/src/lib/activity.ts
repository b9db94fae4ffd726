// Pure shaping of GET /api/activity answers for the charts; no DOM, no fetching.
import { addDays, daysBetween, monthLabel, weekdayMondayFirst, type IsoDate } from './dates';

export type Kind = 'tv' | 'movie' | 'youtube' | 'podcast';

/** Kinds in stacking order (bottom first) with their names; colours live in CSS (--kind-*). */
export const KINDS: readonly { kind: Kind; label: string; unit: [string, string] }[] = [
  { kind: 'tv', label: 'TV', unit: ['episode', 'episodes'] },
  { kind: 'movie', label: 'Movies', unit: ['movie', 'movies'] },
  { kind: 'youtube', label: 'YouTube', unit: ['video', 'videos'] },
  { kind: 'podcast', label: 'Podcasts', unit: ['podcast episode', 'podcast episodes'] },
];

export interface ActivityDay {
  date: IsoDate;
  total_minutes: number;
  minutes: Partial<Record<string, number>>;
  items: Partial<Record<string, number>>;
}

export interface ActivityResponse {
  from: IsoDate;
  to: IsoDate;
  time_zone: string;
  days: ActivityDay[];
}

export interface StackedSeries {
  dates: IsoDate[];
  /** Minutes per kind and day, as answered (0 when the kind is absent). */
  minutes: Record<Kind, number[]>;
  /** Running sums in KINDS order: stacked[i] = minutes of kinds 0..i; the last one is the bar's top. */
  stacked: number[][];
  /** The days' total_minutes, as answered. */
  totals: number[];
}

/** Per-kind and stacked minutes for a stacked bar chart. */
export function stackActivity(days: readonly ActivityDay[]): StackedSeries {
  const minutes = Object.fromEntries(KINDS.map(({ kind }) => [kind, [] as number[]])) as Record<Kind, number[]>;
  const stacked: number[][] = KINDS.map(() => []);
  for (const day of days) {
    let running = 0;
    KINDS.forEach(({ kind }, i) => {
      const m = day.minutes[kind] ?? 0;
      minutes[kind].push(m);
      running += m;
      stacked[i]!.push(running);
    });
  }
  return { dates: days.map((d) => d.date), minutes, stacked, totals: days.map((d) => d.total_minutes) };
}

export interface HeatCell {
  date: IsoDate;
  minutes: number;
  level: 0 | 1 | 2 | 3 | 4;
  /** 0 = Monday ... 6 = Sunday: the row. */
  weekday: number;
  /** The column. */
  week: number;
}

export interface HeatMap {
  cells: HeatCell[];
  weeks: number;
  /** Where a month starts: the first column whose Monday-to-Sunday holds the 1st. */
  months: { week: number; label: string }[];
}

/** Minutes thresholds of the heat map's levels 1-4 (at least 1, 30, 60, 120 minutes). */
export const HEAT_LEVELS = [1, 30, 60, 120] as const;

export function heatLevel(minutes: number): HeatCell['level'] {
  let level: HeatCell['level'] = 0;
  HEAT_LEVELS.forEach((min, i) => {
    if (minutes >= min) level = (i + 1) as HeatCell['level'];
  });
  return level;
}

/**
 * GitHub-style layout: one column per week (Monday on top), the oldest week on the left. The
 * first column starts at the Monday on or before the first day, so it may be partly empty.
 */
export function heatMapLayout(days: readonly ActivityDay[]): HeatMap {
  if (days.length === 0) return { cells: [], weeks: 0, months: [] };
  const first = days[0]!.date;
  const offset = weekdayMondayFirst(first);
  const cells = days.map((d): HeatCell => {
    const index = daysBetween(first, d.date) + offset;
    return {
      date: d.date,
      minutes: d.total_minutes,
      level: heatLevel(d.total_minutes),
      weekday: index % 7,
      week: Math.floor(index / 7),
    };
  });
  const weeks = cells[cells.length - 1]!.week + 1;
  const months: HeatMap['months'] = [];

  for (const c of cells) {
    // A month starting in the last column has no room for its name.
    if (c.date.endsWith('-01') && c.week < weeks - 1) months.push({ week: c.week, label: monthLabel(c.date).slice(0, 3) });
  }
  // Label the first partial month too when there is room before the next label.
  const firstLabelWeek = months[0]?.week ?? weeks;
  if (firstLabelWeek >= 3) months.unshift({ week: 0, label: monthLabel(first).slice(0, 3) });
  return { cells, weeks, months };
}

/** Consecutive days with minutes, ending today (or yesterday, when today has none yet). */
export function currentStreak(days: readonly ActivityDay[]): number {
  let i = days.length - 1;
  if (i >= 0 && days[i]!.total_minutes === 0) i -= 1;
  let streak = 0;
  for (; i >= 0 && days[i]!.total_minutes > 0; i -= 1) streak += 1;
  return streak;
}

export function longestStreak(days: readonly ActivityDay[]): number {
  let best = 0;
  let run = 0;
  for (const d of days) {
    run = d.total_minutes > 0 ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

export interface CumulativePoint {
  label: string;
  cumulative_hours: number;
}

/**
 * Running total of hours at the end of each month, from the month of the first day with
 * minutes to the month of the last day given. Hours are truncated, as the server truncates.
 * `days` may come from several chunks, in any order, but must not overlap.
 *
 * `totalHours` is /progress's total_hours_watched. The days' total_minutes are each rounded
 * down to whole minutes, so their sum drifts below the server's total (which it sums from
 * seconds): a year of daily rounding can lose hours. With `totalHours` the last point is that
 * total, so the chart ends on the number the page shows as "Total immersion", and no earlier
 * point is drawn above it.
 */
export function monthlyCumulative(days: readonly ActivityDay[], totalHours?: number): CumulativePoint[] {
  const sorted = [...days].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const firstActive = sorted.find((d) => d.total_minutes > 0);
  if (!firstActive || sorted.length === 0) return [];
  const perMonth = new Map<string, number>();
  for (const d of sorted) {
    const month = d.date.slice(0, 7);
    perMonth.set(month, (perMonth.get(month) ?? 0) + d.total_minutes);
  }
  const points: CumulativePoint[] = [];
  let minutes = 0;
  let month = firstActive.date.slice(0, 7);
  const last = sorted[sorted.length - 1]!.date.slice(0, 7);
  while (month <= last) {
    minutes += perMonth.get(month) ?? 0;
    points.push({ label: monthLabel(month), cumulative_hours: Math.floor(minutes / 60) });
    month = nextMonth(month);
  }
  if (totalHours !== undefined && Number.isFinite(totalHours) && totalHours >= 0) {
    for (const p of points) p.cumulative_hours = Math.min(p.cumulative_hours, totalHours);
    points[points.length - 1]!.cumulative_hours = totalHours;
  }
  return points;
}

function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The first day to ask for when the first item was `daysSinceFirst` whole 24-hour periods ago. */
export function historyStart(today: IsoDate, daysSinceFirst: number): IsoDate {
  // 24-hour periods and calendar days in the user's zone differ by a day, and a DST change
  // (a 23- or 25-hour day) can add another: two days of margin, asked for at no cost.
  return addDays(today, -(Math.max(0, daysSinceFirst) + 2));
}

/** "48 min", "2 h 5 min". */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
