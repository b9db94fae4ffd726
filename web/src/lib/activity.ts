// Pure shaping of GET /api/activity answers for the charts; no DOM, no fetching.
import { addDays, daysBetween, monthLabel, weekdayMondayFirst, type IsoDate } from './dates';
import { SYNCED_MEDIUMS, compareMediums, mediumLabel } from './mediums';

/** A medium as a chart series: its name (the key of the days' minutes) and label. */
export interface Kind {
  kind: string;
  label: string;
}

export interface ActivityDay {
  date: IsoDate;
  total_minutes: number;
  /** Keyed by medium name: tv, movie, youtube, podcast for synced items; any medium for logs. */
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
  /** The mediums these days hold, in stacking order (bottom first). */
  kinds: Kind[];
  /** Minutes per medium and day, as answered (0 when the medium is absent). */
  minutes: Record<string, number[]>;
  /** Running sums in `kinds` order: stacked[i] = minutes of kinds 0..i; the last one is the bar's top. */
  stacked: number[][];
  /** The days' total_minutes, as answered. */
  totals: number[];
}

/** The mediums with minutes or items on any of `days`, in stacking order (MEDIUMS', unknown ones last). */
export function kindsOf(days: readonly ActivityDay[]): Kind[] {
  const names = new Set<string>();
  for (const day of days) {
    for (const [k, v] of Object.entries(day.minutes)) if (v) names.add(k);
    for (const [k, v] of Object.entries(day.items)) if (v) names.add(k);
  }
  return [...names].sort(compareMediums).map((kind) => ({ kind, label: mediumLabel(kind) }));
}

/** Per-medium and stacked minutes for a stacked bar chart. */
export function stackActivity(days: readonly ActivityDay[]): StackedSeries {
  const kinds = kindsOf(days);
  const minutes: Record<string, number[]> = Object.fromEntries(kinds.map(({ kind }) => [kind, [] as number[]]));
  const stacked: number[][] = kinds.map(() => []);
  for (const day of days) {
    let running = 0;
    kinds.forEach(({ kind }, i) => {
      const m = day.minutes[kind] ?? 0;
      minutes[kind]!.push(m);
      running += m;
      stacked[i]!.push(running);
    });
  }
  return { dates: days.map((d) => d.date), kinds, minutes, stacked, totals: days.map((d) => d.total_minutes) };
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

export type Period = 'month' | 'quarter';

/** "2026-05" -> "2026-04", the first month of its quarter. */
function quarterStart(month: string): string {
  const m = Number(month.slice(5, 7));
  const first = m - ((m - 1) % 3);
  return `${month.slice(0, 4)}-${String(first).padStart(2, '0')}`;
}

/**
 * Running total of hours at the end of each month (or quarter, labelled by its first month as
 * the server labels /progress's all_time_progress), from the period of the first day with
 * minutes to the period of the last day given. Hours are truncated, as the server truncates.
 * `days` may come from several chunks, in any order, but must not overlap.
 *
 * `totalHours` is the total the page shows (whole hours of /progress's total_minutes_immersed).
 * The days' total_minutes are each rounded down to whole minutes, so their sum drifts below
 * the server's total (which it sums from seconds): a year of daily rounding can lose hours.
 * With `totalHours` the last point is that total, so the chart ends on the number the page
 * shows as "Total immersion", and no earlier point is drawn above it.
 */
export function cumulativeHours(days: readonly ActivityDay[], period: Period, totalHours?: number): CumulativePoint[] {
  const sorted = [...days].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const firstActive = sorted.find((d) => d.total_minutes > 0);
  if (!firstActive || sorted.length === 0) return [];
  const periodOf = (date: string) => (period === 'month' ? date.slice(0, 7) : quarterStart(date.slice(0, 7)));
  const step = period === 'month' ? 1 : 3;
  const perPeriod = new Map<string, number>();
  for (const d of sorted) {
    const key = periodOf(d.date);
    perPeriod.set(key, (perPeriod.get(key) ?? 0) + d.total_minutes);
  }
  const points: CumulativePoint[] = [];
  let minutes = 0;
  let at = periodOf(firstActive.date);
  const last = periodOf(sorted[sorted.length - 1]!.date);
  while (at <= last) {
    minutes += perPeriod.get(at) ?? 0;
    points.push({ label: monthLabel(at), cumulative_hours: Math.floor(minutes / 60) });
    for (let i = 0; i < step; i++) at = nextMonth(at);
  }
  if (totalHours !== undefined && Number.isFinite(totalHours) && totalHours >= 0) {
    for (const p of points) p.cumulative_hours = Math.min(p.cumulative_hours, totalHours);
    points[points.length - 1]!.cumulative_hours = totalHours;
  }
  return points;
}

/** cumulativeHours by month. */
export const monthlyCumulative = (days: readonly ActivityDay[], totalHours?: number) => cumulativeHours(days, 'month', totalHours);

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

/**
 * Whether /progress's totals hold manual logs besides synced items: then its
 * all_time_progress (synced items only, as the original counts them) is not the whole story.
 * `syncedItems`: its episodes, movies, videos and Spotify episodes; `syncedHours`: its
 * total_hours_watched.
 */
export function includesLogs(
  byMedium: readonly { medium: string; items: number }[],
  syncedItems: number,
  totalMinutes: number,
  syncedHours: number,
): boolean {
  if (byMedium.some((m) => !SYNCED_MEDIUMS.includes(m.medium))) return true;
  const items = byMedium.reduce((s, m) => s + m.items, 0);
  return items > syncedItems || Math.floor(totalMinutes / 60) > syncedHours;
}

/** A part of a whole as a percentage to show: "62%", "<1%" for a sliver, "0%" for nothing. */
export function formatShare(part: number, whole: number): string {
  if (whole <= 0 || part <= 0) return '0%';
  const pct = (part / whole) * 100;
  if (pct < 1) return '<1%';
  return `${Math.round(pct)}%`;
}

/** How far towards the daily goal today is, 0 to 1 (1 when met or beyond). */
export function goalProgress(minutesToday: number, goalMinutes: number): number {
  if (goalMinutes <= 0) return 0;
  return Math.max(0, Math.min(1, minutesToday / goalMinutes));
}
