import { describe, expect, it } from 'vitest';
import { formatDurationInput } from './duration';
import {
  appendPage,
  compareLogs,
  dayHeading,
  draftOf,
  fieldOfError,
  groupByDay,
  logFromDraft,
  logPatch,
  newIdempotencyKey,
  newLogBody,
  placeLog,
  type ImmersionLog,
  type LogDraft,
} from './logs';

const today = '2026-12-02';

function draft(change: Partial<LogDraft> = {}): LogDraft {
  return { medium: 'book', duration: '50m', title: '', amount: '', unit: 'pages', language: 'ja', date: today, note: '', ...change };
}

function log(id: string, date: string, created_at: string, change: Partial<ImmersionLog> = {}): ImmersionLog {
  return { id, date, medium: 'book', minutes: 30, title: null, amount: null, unit: null, language: 'ja', note: null, created_at, ...change };
}

describe('logFromDraft', () => {
  it('turns the form into a log', () => {
    const r = logFromDraft(draft({ duration: '1h5m', title: ' よつばと! 3 ', amount: '30', note: '  ' }), today);
    expect(r.fields).toEqual({
      medium: 'book',
      minutes: 65,
      title: 'よつばと! 3',
      amount: 30,
      unit: 'pages',
      language: 'ja',
      date: today,
      note: null,
    });
  });
  it('leaves out an empty amount, whatever the unit says', () => {
    expect(logFromDraft(draft({ amount: ' ' }), today).fields).toMatchObject({ amount: null, unit: null });
    expect(logFromDraft(draft({ amount: '1,200', unit: 'characters' }), today).fields).toMatchObject({ amount: 1200, unit: 'characters' });
  });
  it('says which field is wrong, in words', () => {
    expect(logFromDraft(draft({ duration: '' }), today)).toMatchObject({ field: 'minutes' });
    expect(logFromDraft(draft({ duration: '30 hours' }), today)).toMatchObject({ field: 'minutes' });
    expect(logFromDraft(draft({ amount: '2.5' }), today)).toMatchObject({ field: 'amount' });
    expect(logFromDraft(draft({ amount: '0' }), today)).toMatchObject({ field: 'amount' });
    expect(logFromDraft(draft({ amount: '3', unit: '' }), today)).toMatchObject({ field: 'unit' });
    expect(logFromDraft(draft({ language: 'japanese' }), today)).toMatchObject({ field: 'language' });
    expect(logFromDraft(draft({ date: '2026-12-03' }), today)).toMatchObject({ field: 'date', error: 'The day cannot be after today.' });
    expect(logFromDraft(draft({ date: '' }), today)).toMatchObject({ field: 'date' });
    expect(logFromDraft(draft({ title: 'あ'.repeat(171) }), today)).toMatchObject({ field: 'title' }); // 513 bytes
    expect(logFromDraft(draft({ title: 'あ'.repeat(170) }), today).error).toBeUndefined(); // 510 bytes
    expect(logFromDraft(draft({ note: 'x'.repeat(2001) }), today)).toMatchObject({ field: 'note' });
  });
  it('takes no language as null, and lower-cases a typed code', () => {
    expect(logFromDraft(draft({ language: '' }), today).fields?.language).toBeNull();
    expect(logFromDraft(draft({ language: 'KO' }), today).fields?.language).toBe('ko');
  });
});

describe('newLogBody', () => {
  it('sends what was filled in, and the language always', () => {
    const fields = logFromDraft(draft({ language: '' }), today).fields!;
    expect(newLogBody(fields)).toEqual({ medium: 'book', minutes: 50, date: today, language: null });
    const full = logFromDraft(draft({ title: 'T', amount: '3', unit: 'volumes', note: 'n' }), today).fields!;
    expect(newLogBody(full)).toEqual({ medium: 'book', minutes: 50, date: today, language: 'ja', title: 'T', amount: 3, unit: 'volumes', note: 'n' });
  });
});

describe('logPatch', () => {
  const before = log('a', '2026-12-01', '2026-12-01T10:00:00', { title: 'Old', amount: 10, unit: 'pages', minutes: 30 });
  const edit = (change: Partial<LogDraft>) => logFromDraft({ ...draftOf(before, formatDurationInput), ...change }, today).fields!;
  it('is empty when nothing changed', () => {
    expect(logPatch(before, edit({}))).toEqual({});
  });
  it('sends only what changed; null clears', () => {
    expect(logPatch(before, edit({ duration: '45' }))).toEqual({ minutes: 45 });
    expect(logPatch(before, edit({ title: '' }))).toEqual({ title: null });
    expect(logPatch(before, edit({ language: '' }))).toEqual({ language: null });
    expect(logPatch(before, edit({ date: '2026-11-30', note: 'good' }))).toEqual({ date: '2026-11-30', note: 'good' });
  });
  it('sends amount and unit together', () => {
    expect(logPatch(before, edit({ amount: '12' }))).toEqual({ amount: 12, unit: 'pages' });
    expect(logPatch(before, edit({ unit: 'chapters' }))).toEqual({ amount: 10, unit: 'chapters' });
    expect(logPatch(before, edit({ amount: '' }))).toEqual({ amount: null, unit: null });
  });
});

describe('draftOf', () => {
  it('fills the form with a log, suggesting the medium’s unit when it has none', () => {
    expect(draftOf(log('a', today, 'x', { medium: 'manga', minutes: 90 }), formatDurationInput)).toEqual({
      medium: 'manga',
      duration: '1h30m',
      title: '',
      amount: '',
      unit: 'chapters',
      language: 'ja',
      date: today,
      note: '',
    });
  });
});

describe('fieldOfError', () => {
  it('finds the field a server sentence starts with', () => {
    expect(fieldOfError('minutes must be a whole number from 1 to 1440')).toBe('minutes');
    expect(fieldOfError('date must not be in the future (today is 2026-12-02 in Etc/UTC)')).toBe('date');
    expect(fieldOfError('unit must be given with amount (episodes, pages)')).toBe('unit');
    expect(fieldOfError('Unknown field "x"; a log has ...')).toBeNull();
    expect(fieldOfError(null)).toBeNull();
  });
});

describe('the list', () => {
  const a = log('000000000000000a00000000', '2026-12-02', '2026-12-02T09:00:00.000001');
  const b = log('000000000000000900000000', '2026-12-02', '2026-12-02T08:00:00');
  const c = log('000000000000000b00000000', '2026-11-30', '2026-12-02T10:00:00');
  it('is in the API’s order: newest day, then newest created', () => {
    expect([c, b, a].sort(compareLogs)).toEqual([a, b, c]);
  });
  it('puts an added or changed log in its place', () => {
    const added = log('000000000000000c00000000', '2026-12-01', '2026-12-02T11:00:00');
    expect(placeLog([a, b, c], added, true).map((l) => l.id)).toEqual([a.id, b.id, added.id, c.id]);
    const moved = { ...a, date: '2026-11-01' };
    expect(placeLog([a, b, c], moved, true).map((l) => l.id)).toEqual([b.id, c.id, a.id]);
  });
  it('leaves out a log that belongs to a page not loaded yet', () => {
    const old = log('000000000000000d00000000', '2026-01-01', '2026-12-02T11:00:00');
    expect(placeLog([a, b], old, false)).toEqual([a, b]);
    expect(placeLog([a, b], old, true)).toEqual([a, b, old]);
    expect(placeLog([], a, true)).toEqual([a]);
  });
  it('appends a page without showing a log twice', () => {
    expect(appendPage([a, b], [b, c]).map((l) => l.id)).toEqual([a.id, b.id, c.id]);
  });
  it('groups by day', () => {
    expect(groupByDay([a, b, c]).map((g) => [g.date, g.logs.length])).toEqual([
      ['2026-12-02', 2],
      ['2026-11-30', 1],
    ]);
  });
  it('heads days in words', () => {
    expect(dayHeading(today, today)).toBe('Today');
    expect(dayHeading('2026-12-01', today)).toBe('Yesterday');
    expect(dayHeading('2026-11-30', today)).toBe('Mon 30 Nov 2026');
  });
});

describe('newIdempotencyKey', () => {
  it('is 32 hex digits, visible ASCII, different each time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(50);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{32}$/);
    expect(newIdempotencyKey((b) => b.fill(255))).toBe('f'.repeat(32));
  });
});
