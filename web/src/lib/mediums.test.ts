import { describe, expect, it } from 'vitest';
import { MEDIUMS, compareMediums, formatAmount, languageChoices, languageName, languageTag, mediumColor, mediumInfo, mediumLabel } from './mediums';

describe('mediums', () => {
  it('lists every medium the server takes, once', () => {
    const names = MEDIUMS.map((m) => m.medium);
    expect([...names].sort()).toEqual(
      ['anime', 'tv', 'movie', 'youtube', 'podcast', 'audiobook', 'listening', 'book', 'manga', 'visual_novel', 'reading', 'game', 'other'].sort(),
    );
  });
  it('names unknown mediums after themselves, coloured as other', () => {
    expect(mediumLabel('book')).toBe('Books');
    expect(mediumLabel('light_novel')).toBe('Light novel');
    expect(mediumInfo('light_novel').unit).toBeNull();
    expect(mediumColor('manga')).toBe('manga');
    expect(mediumColor('light_novel')).toBe('other');
  });
  it('orders known mediums as MEDIUMS does, unknown ones after', () => {
    expect(['zz', 'book', 'tv', 'aa'].sort(compareMediums)).toEqual(['tv', 'book', 'aa', 'zz']);
  });
  it('writes amounts with their unit', () => {
    expect(formatAmount(30, 'pages')).toBe('30 pages');
    expect(formatAmount(1, 'volumes')).toBe('1 volume');
    expect(formatAmount(12000, 'characters')).toBe('12,000 characters');
  });
});

describe('languages', () => {
  it('takes two or three letters, lower-cased', () => {
    expect(languageTag('ja')).toBe('ja');
    expect(languageTag(' KO ')).toBe('ko');
    expect(languageTag('yue')).toBe('yue');
    expect(languageTag('j')).toBeNull();
    expect(languageTag('jpn1')).toBeNull();
    expect(languageTag('ja-JP')).toBeNull();
  });
  it('names languages in English, unknown as such', () => {
    expect(languageName('ja')).toBe('Japanese');
    expect(languageName('es')).toBe('Spanish');
    expect(languageName(null)).toBe('Unknown');
    expect(languageName('qqq')).toBe('qqq');
  });
  it('offers the common languages and the user’s own, by name', () => {
    const choices = languageChoices(['tlh', null, 'ja']);
    expect(choices.filter((c) => c.tag === 'ja')).toHaveLength(1);
    expect(choices.some((c) => c.tag === 'tlh')).toBe(true);
    const names = choices.map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
  });
});
