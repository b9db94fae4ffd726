// Manual logs: the form's draft and its checks, the change a PATCH sends, the list's order.
// Pure, no DOM, no fetching.
import { parseDuration } from './duration';
import { addDays, formatDay, type IsoDate } from './dates';
import { isUnit, languageTag, mediumInfo, type Unit } from './mediums';

/** A log as the API answers it. */
export interface ImmersionLog {
  id: string;
  date: IsoDate;
  medium: string;
  minutes: number;
  title: string | null;
  amount: number | null;
  unit: string | null;
  language: string | null;
  note: string | null;
  /** UTC, without a zone suffix. */
  created_at: string;
}

/** What a log holds, as the form decides it; `language` null: none. */
export interface LogFields {
  medium: string;
  minutes: number;
  title: string | null;
  amount: number | null;
  unit: Unit | null;
  language: string | null;
  date: IsoDate;
  note: string | null;
}

export type LogField = keyof LogFields;

/** The form as typed. */
export interface LogDraft {
  medium: string;
  duration: string;
  title: string;
  amount: string;
  unit: string;
  /** A tag, or "" for none. */
  language: string;
  date: IsoDate;
  note: string;
}

export const MAX_TITLE_BYTES = 512;
export const MAX_NOTE_BYTES = 2000;
export const MAX_AMOUNT = 1_000_000_000;

export const byteLength = (s: string) => new TextEncoder().encode(s).length;

export type DraftResult = { fields: LogFields; error?: undefined; field?: undefined } | { fields?: undefined; error: string; field: LogField };

/** The draft as a log, or the first thing wrong with it (in words, and which field). */
export function logFromDraft(draft: LogDraft, today: IsoDate): DraftResult {
  const fail = (field: LogField, error: string): DraftResult => ({ error, field });
  const duration = parseDuration(draft.duration);
  if (duration.error !== undefined) return fail('minutes', duration.error);
  const title = draft.title.trim();
  if (byteLength(title) > MAX_TITLE_BYTES) return fail('title', `The title can be at most ${MAX_TITLE_BYTES} bytes.`);
  const amountText = draft.amount.normalize('NFKC').trim().replace(/[,\s]/g, '');
  let amount: number | null = null;
  let unit: Unit | null = null;
  if (amountText !== '') {
    if (!/^\d+$/.test(amountText) || Number(amountText) < 1 || Number(amountText) > MAX_AMOUNT) {
      return fail('amount', 'The amount must be a whole number, at least 1 (or leave it empty).');
    }
    if (!isUnit(draft.unit)) return fail('unit', 'Choose what the amount counts: episodes, pages, characters, chapters or volumes.');
    amount = Number(amountText);
    unit = draft.unit;
  }
  let language: string | null = null;
  if (draft.language.trim() !== '') {
    language = languageTag(draft.language);
    if (language === null) return fail('language', 'A language is a code of two or three letters, such as ja, ko or es.');
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.date)) return fail('date', 'Enter the day, or leave today’s.');
  if (draft.date > today) return fail('date', 'The day cannot be after today.');
  const note = draft.note.trim();
  if (byteLength(note) > MAX_NOTE_BYTES) return fail('note', `The note can be at most ${MAX_NOTE_BYTES} bytes.`);
  return {
    fields: {
      medium: draft.medium,
      minutes: duration.minutes,
      title: title || null,
      amount,
      unit,
      language,
      date: draft.date,
      note: note || null,
    },
  };
}

/** The body of POST /api/logs: empty fields left out, the language always said (null: none). */
export function newLogBody(f: LogFields): Record<string, unknown> {
  const body: Record<string, unknown> = { medium: f.medium, minutes: f.minutes, date: f.date, language: f.language };
  if (f.title !== null) body.title = f.title;
  if (f.amount !== null && f.unit !== null) {
    body.amount = f.amount;
    body.unit = f.unit;
  }
  if (f.note !== null) body.note = f.note;
  return body;
}

/** The body of PATCH /api/logs/{id}: only what changed (null clears); empty when nothing did. */
export function logPatch(before: ImmersionLog, after: LogFields): Partial<LogFields> {
  const patch: Partial<Record<LogField, unknown>> = {};
  const keys: LogField[] = ['medium', 'minutes', 'title', 'amount', 'unit', 'language', 'date', 'note'];
  for (const key of keys) {
    if (before[key] !== after[key]) patch[key] = after[key];
  }
  // The server checks amount and unit together: send both when either changes.
  if ('amount' in patch || 'unit' in patch) {
    patch.amount = after.amount;
    patch.unit = after.unit;
  }
  return patch as Partial<LogFields>;
}

/** The form filled with a log, for editing. */
export function draftOf(log: ImmersionLog, durationText: (minutes: number) => string): LogDraft {
  return {
    medium: log.medium,
    duration: durationText(log.minutes),
    title: log.title ?? '',
    amount: log.amount === null ? '' : String(log.amount),
    unit: log.unit ?? mediumInfo(log.medium).unit ?? '',
    language: log.language ?? '',
    date: log.date,
    note: log.note ?? '',
  };
}

const LOG_FIELDS: readonly string[] = ['medium', 'minutes', 'title', 'amount', 'unit', 'language', 'date', 'note'];

/** The field a 400's sentence is about ("minutes must be ..." -> "minutes"), if it names one first. */
export function fieldOfError(message: string | null | undefined): LogField | null {
  const first = /^[a-z_]+/.exec(message ?? '')?.[0];
  return first && LOG_FIELDS.includes(first) ? (first as LogField) : null;
}

/** The API's order (order=date): newest day first, then the newest created first. */
export function compareLogs(a: ImmersionLog, b: ImmersionLog): number {
  if (a.date !== b.date) return a.date < b.date ? 1 : -1;
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * `log` put in its place among the loaded `logs` (replacing the one with its id). When it would
 * come after the last loaded one and `complete` is false, it belongs to a page not loaded yet,
 * so it is left out ("Load more" brings it).
 */
export function placeLog(logs: readonly ImmersionLog[], log: ImmersionLog, complete: boolean): ImmersionLog[] {
  const others = logs.filter((l) => l.id !== log.id);
  const at = others.findIndex((l) => compareLogs(log, l) < 0);
  if (at === -1) return complete ? [...others, log] : others;
  return [...others.slice(0, at), log, ...others.slice(at)];
}

/** Appends a further page, skipping any log already shown (one added meanwhile). */
export function appendPage(logs: readonly ImmersionLog[], page: readonly ImmersionLog[]): ImmersionLog[] {
  const seen = new Set(logs.map((l) => l.id));
  return [...logs, ...page.filter((l) => !seen.has(l.id))];
}

/** Consecutive logs of one day, in the list's order. */
export function groupByDay(logs: readonly ImmersionLog[]): { date: IsoDate; logs: ImmersionLog[] }[] {
  const groups: { date: IsoDate; logs: ImmersionLog[] }[] = [];
  for (const log of logs) {
    const last = groups[groups.length - 1];
    if (last && last.date === log.date) last.logs.push(log);
    else groups.push({ date: log.date, logs: [log] });
  }
  return groups;
}

/** "Today", "Yesterday", else "Mon 30 Nov 2026". */
export function dayHeading(date: IsoDate, today: IsoDate): string {
  if (date === today) return 'Today';
  if (date === addDays(today, -1)) return 'Yesterday';
  return formatDay(date);
}

/** 32 hex digits from the platform's random source: an Idempotency-Key for one submission. */
export function newIdempotencyKey(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  // Not crypto.randomUUID: it exists only in secure contexts, and the server may be on plain http.
  const bytes = random(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
