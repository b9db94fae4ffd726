// Calendar dates as "YYYY-MM-DD" strings. Arithmetic runs on UTC midnights, so it never
// depends on the browser's zone; "today" is asked of Intl in the user's zone (the one the
// server reports), never the browser's.

export type IsoDate = string;

const DAY_MS = 86_400_000;
/** The most days one GET /api/activity may cover (both ends included). */
export const MAX_ACTIVITY_DAYS = 366;

const formatters = new Map<string, Intl.DateTimeFormat>();

function ymdFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether this browser knows the tz database name. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    ymdFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const hourFormatters = new Map<string, Intl.DateTimeFormat>();

function hourFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = hourFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
    hourFormatters.set(timeZone, f);
  }
  return f;
}

/**
 * The user's day at `now` in `timeZone` (UTC when the zone is unknown to the browser). With
 * `dayStartHour` (the hour the user's day begins, as in Anki), the date of the wall-clock time
 * that many hours earlier: with 4, 2 a.m. still belongs to the day before, as the server counts.
 */
export function todayIn(timeZone: string, now: Date = new Date(), dayStartHour = 0): IsoDate {
  const zone = isKnownTimeZone(timeZone) ? timeZone : 'UTC';
  const parts = ymdFormatter(zone).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${get('year').padStart(4, '0')}-${get('month')}-${get('day')}`;
  if (dayStartHour <= 0) return date;
  const hour = Number(hourFormatter(zone).formatToParts(now).find((p) => p.type === 'hour')?.value ?? 0) % 24;
  return hour < dayStartHour ? addDays(date, -1) : date;
}

export function parseIso(date: IsoDate): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`Not a YYYY-MM-DD date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

export function formatIso(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return formatIso(parseIso(date) + days * DAY_MS);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((parseIso(b) - parseIso(a)) / DAY_MS);
}

/** 0 = Monday ... 6 = Sunday. */
export function weekdayMondayFirst(date: IsoDate): number {
  return (new Date(parseIso(date)).getUTCDay() + 6) % 7;
}

export interface DateRange {
  from: IsoDate;
  to: IsoDate;
}

/** The last `days` days ending with `today`, both included: 365 is today-364..today. */
export function lastDays(today: IsoDate, days: number): DateRange {
  if (!Number.isInteger(days) || days < 1) throw new Error(`Bad day count: ${days}`);
  return { from: addDays(today, -(days - 1)), to: today };
}

/** Splits an inclusive range into consecutive inclusive ranges of at most `max` days. */
export function chunkRange(range: DateRange, max: number = MAX_ACTIVITY_DAYS): DateRange[] {
  if (max < 1) throw new Error('max must be at least 1');
  if (range.from > range.to) return [];
  const chunks: DateRange[] = [];
  let from = range.from;
  while (from <= range.to) {
    const end = addDays(from, max - 1);
    const to = end < range.to ? end : range.to;
    chunks.push({ from, to });
    from = addDays(to, 1);
  }
  return chunks;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** "2025-01" or "2025-01-17" -> "Jan 2025", as the server labels its quarters. */
export function monthLabel(date: string): string {
  const year = date.slice(0, 4);
  const month = Number(date.slice(5, 7));
  return `${MONTHS[month - 1] ?? '?'} ${year}`;
}

export function shortMonth(date: IsoDate): string {
  return MONTHS[Number(date.slice(5, 7)) - 1] ?? '';
}

/** "Wed 2 Dec 2026". */
export function formatDay(date: IsoDate): string {
  const day = Number(date.slice(8, 10));
  return `${WEEKDAYS[weekdayMondayFirst(date)]} ${day} ${shortMonth(date)} ${date.slice(0, 4)}`;
}

/** "2 Dec". */
export function formatShortDay(date: IsoDate): string {
  return `${Number(date.slice(8, 10))} ${shortMonth(date)}`;
}

/**
 * The server's time stamps ("2026-11-22T10:30:00.123456", UTC without a zone suffix, or epoch
 * seconds) as a Date; null when unreadable.
 */
export function parseServerTime(value: string | number | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return new Date(value * 1000);
  let text = value.trim();
  if (/^\d+$/.test(text)) return new Date(Number(text) * 1000);
  // Milliseconds are all Date.parse promises to read.
  text = text.replace(/(\.\d{3})\d+/, '$1');
  if (!/[zZ]|[+-]\d{2}:?\d{2}$/.test(text)) text += 'Z';
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** "3 days ago", "just now", in words, from the server's time stamp. */
export function timeAgo(value: string | number | null | undefined, now: Date = new Date()): string {
  const date = parseServerTime(value);
  if (!date) return '';
  const seconds = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  if (seconds < 60) return 'just now';
  const units: [number, string][] = [
    [60 * 60 * 24 * 365, 'year'],
    [60 * 60 * 24 * 30, 'month'],
    [60 * 60 * 24 * 7, 'week'],
    [60 * 60 * 24, 'day'],
    [60 * 60, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      return `${n} ${name}${n === 1 ? '' : 's'} ago`;
    }
  }
  return 'just now';
}

/** A server time stamp as a calendar date in `timeZone`, e.g. "2 Dec 2026". */
export function formatServerDate(value: string | number | null | undefined, timeZone: string): string {
  const date = parseServerTime(value);
  if (!date) return typeof value === 'string' ? value : '';
  const iso = todayIn(timeZone, date);
  return `${Number(iso.slice(8, 10))} ${shortMonth(iso)} ${iso.slice(0, 4)}`;
}
