import { describe, expect, it } from 'vitest';
import { MAX_MINUTES, formatDurationInput, parseDuration } from './duration';

const minutes = (text: string) => parseDuration(text).minutes;

describe('parseDuration', () => {
  it('reads a bare number as minutes', () => {
    expect(minutes('45')).toBe(45);
    expect(minutes(' 90 ')).toBe(90);
    expect(minutes('1440')).toBe(1440);
  });
  it('reads minutes and hours with units', () => {
    expect(minutes('45m')).toBe(45);
    expect(minutes('45 min')).toBe(45);
    expect(minutes('45 minutes')).toBe(45);
    expect(minutes('2h')).toBe(120);
    expect(minutes('2 hours')).toBe(120);
    expect(minutes('1h30m')).toBe(90);
    expect(minutes('1h 30m')).toBe(90);
    expect(minutes('1H30M')).toBe(90);
    expect(minutes('1 hour 30 minutes')).toBe(90);
    expect(minutes('1 hour and 30 minutes')).toBe(90);
    expect(minutes('1h, 5m')).toBe(65);
  });
  it('takes a bare number after hours as minutes', () => {
    expect(minutes('1h30')).toBe(90);
    expect(minutes('1h 5')).toBe(65);
  });
  it('reads decimal hours and clock times', () => {
    expect(minutes('1.5h')).toBe(90);
    expect(minutes('1,5h')).toBe(90);
    expect(minutes('0.25 hours')).toBe(15);
    expect(minutes('1:30')).toBe(90);
    expect(minutes('0:45')).toBe(45);
  });
  it('reads Japanese and full-width digits', () => {
    expect(minutes('1時間30分')).toBe(90);
    expect(minutes('４５分')).toBe(45);
    expect(minutes('４５ｍ')).toBe(45);
  });
  it('says what is wrong, in words', () => {
    expect(parseDuration('').error).toMatch(/Enter how long/);
    expect(parseDuration('soon').error).toMatch(/not a duration/);
    expect(parseDuration('1.5').error).toMatch(/not a duration/);
    expect(parseDuration('-5').error).toMatch(/not a duration/);
    expect(parseDuration('m').error).toMatch(/not a duration/);
    expect(parseDuration('1:75').error).toMatch(/not a duration/);
    expect(parseDuration('0').error).toMatch(/at least 1 minute/);
    expect(parseDuration('0m').error).toMatch(/at least 1 minute/);
    expect(parseDuration('25h').error).toMatch(/more than a day/);
    expect(parseDuration('1441').error).toMatch(/more than a day/);
    expect(parseDuration('99999999999999999999999').error).toMatch(/more than a day/);
  });
  it('allows nothing and zero when asked (no daily goal)', () => {
    expect(parseDuration('', { allowZero: true })).toEqual({ minutes: 0 });
    expect(parseDuration('0', { allowZero: true })).toEqual({ minutes: 0 });
    expect(parseDuration('30m', { allowZero: true })).toEqual({ minutes: 30 });
    expect(parseDuration('-1', { allowZero: true }).error).toBeDefined();
  });
});

describe('formatDurationInput', () => {
  it('writes minutes as they are typed', () => {
    expect(formatDurationInput(45)).toBe('45m');
    expect(formatDurationInput(60)).toBe('1h');
    expect(formatDurationInput(90)).toBe('1h30m');
    expect(formatDurationInput(1440)).toBe('24h');
  });
  it('is read back as the same minutes', () => {
    for (let m = 1; m <= MAX_MINUTES; m++) expect(minutes(formatDurationInput(m))).toBe(m);
  });
});
