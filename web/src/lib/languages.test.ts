import { describe, expect, it } from 'vitest';
import { choicesByGroup, chosenLanguage, isLanguageChoice, parseLanguageInput, withChoice, type LanguageChoice } from './languages';

const choice = (kind: LanguageChoice['kind'], id: string, language: string | null): LanguageChoice => ({ kind, id, language });

describe('choicesByGroup', () => {
  it('looks choices up by kind and id', () => {
    const choices = choicesByGroup([choice('show', 'Free!', 'ja'), choice('channel', 'UC123', 'es'), choice('podcast', '38bS44', 'KO')]);
    expect(chosenLanguage(choices, 'show', 'Free!')).toBe('ja');
    expect(chosenLanguage(choices, 'channel', 'UC123')).toBe('es');
    expect(chosenLanguage(choices, 'podcast', '38bS44')).toBe('ko');
  });
  it('keeps kinds apart: a folder and a channel may share a name', () => {
    const choices = choicesByGroup([choice('show', 'same', 'ja'), choice('channel', 'same', 'fr')]);
    expect(chosenLanguage(choices, 'show', 'same')).toBe('ja');
    expect(chosenLanguage(choices, 'channel', 'same')).toBe('fr');
    expect(chosenLanguage(choices, 'podcast', 'same')).toBeNull();
  });
  it('does not mix up ids that contain the separator', () => {
    const choices = choicesByGroup([choice('show', 'channel:x', 'ja')]);
    expect(chosenLanguage(choices, 'show', 'channel:x')).toBe('ja');
    expect(chosenLanguage(choices, 'channel', 'x')).toBeNull();
  });
  it('answers null for groups without a choice, and for missing ids', () => {
    const choices = choicesByGroup([choice('show', 'Free!', 'ja')]);
    expect(chosenLanguage(choices, 'show', 'Haikyuu (2014)')).toBeNull();
    expect(chosenLanguage(choices, 'show', null)).toBeNull();
    expect(chosenLanguage(choices, 'show', '')).toBeNull();
  });
  it('leaves out malformed entries and null languages', () => {
    const choices = choicesByGroup([null, 'ja', { kind: 'movie', id: 'x', language: 'ja' }, { kind: 'show', id: 'a' }, choice('show', 'b', null)]);
    expect(choices.size).toBe(0);
  });
});

describe('isLanguageChoice', () => {
  it('checks the shape of a PUT answer', () => {
    expect(isLanguageChoice({ kind: 'channel', id: 'UC1', language: 'es' })).toBe(true);
    expect(isLanguageChoice({ kind: 'podcast', id: 'p', language: null })).toBe(true);
    expect(isLanguageChoice({ kind: 'podcast', id: '', language: null })).toBe(false);
    expect(isLanguageChoice({ kind: 'show', id: 'a', language: 3 })).toBe(false);
    expect(isLanguageChoice({ kind: 'show', id: 'a' })).toBe(false);
    expect(isLanguageChoice({})).toBe(false);
    expect(isLanguageChoice(null)).toBe(false);
  });
});

describe('withChoice', () => {
  const list = [choice('show', 'Free!', 'ja'), choice('channel', 'UC1', 'es')];
  it('replaces the choice of the same group', () => {
    expect(withChoice(list, choice('show', 'Free!', 'KO'))).toEqual([choice('channel', 'UC1', 'es'), choice('show', 'Free!', 'ko')]);
  });
  it('adds a new one', () => {
    expect(withChoice(list, choice('podcast', 'p', 'de'))).toHaveLength(3);
  });
  it('forgets the choice when the language is null', () => {
    expect(withChoice(list, choice('show', 'Free!', null))).toEqual([choice('channel', 'UC1', 'es')]);
    expect(withChoice(list, choice('channel', 'Free!', null))).toEqual(list);
  });
  it('does not change its input', () => {
    withChoice(list, choice('show', 'Free!', null));
    expect(list).toHaveLength(2);
  });
});

describe('parseLanguageInput', () => {
  it('reads empty as the provider language', () => {
    expect(parseLanguageInput('')).toEqual({ language: null });
    expect(parseLanguageInput('  ')).toEqual({ language: null });
  });
  it('lower-cases two or three ASCII letters', () => {
    expect(parseLanguageInput('ja')).toEqual({ language: 'ja' });
    expect(parseLanguageInput(' YUE ')).toEqual({ language: 'yue' });
  });
  it('refuses anything else, in words', () => {
    for (const bad of ['j', 'jpn1', 'ja-JP', '日本', 'é', '12']) {
      expect(parseLanguageInput(bad).error).toMatch(/two or three letters/);
    }
  });
});
