import { describe, expect, it } from 'vitest';
import { initials, parsePositiveInt, plural, searchTermsOf, sortFolders, type ShowFolder } from './library';

const folder = (folder_name: string, tvdb_id: number | null = null): ShowFolder => ({
  folder_name,
  tvdb_id,
  tvdb_name: tvdb_id ? `Name ${tvdb_id}` : null,
  tvdb_image: null,
});

describe('sortFolders', () => {
  it('puts untagged folders first, then sorts by name', () => {
    const sorted = sortFolders([folder('Free!', 278157), folder('zeta'), folder('Alpha', 1), folder('beta'), folder('Episode 10'), folder('Episode 9')]);
    expect(sorted.map((f) => f.folder_name)).toEqual(['beta', 'Episode 9', 'Episode 10', 'zeta', 'Alpha', 'Free!']);
  });
  it('does not change its input', () => {
    const input = [folder('b'), folder('a')];
    sortFolders(input);
    expect(input.map((f) => f.folder_name)).toEqual(['b', 'a']);
  });
});

describe('small helpers', () => {
  it('makes initials', () => {
    expect(initials('The Office')).toBe('TO');
    expect(initials('Free!')).toBe('F');
    expect(initials('すずめの戸締まり')).toBe('す');
    expect(initials('!!!')).toBe('!');
  });
  it('reads positive integers only', () => {
    expect(parsePositiveInt(' 3 ')).toBe(3);
    expect(parsePositiveInt('0')).toBeNull();
    expect(parsePositiveInt('-1')).toBeNull();
    expect(parsePositiveInt('3.5')).toBeNull();
    expect(parsePositiveInt('abc')).toBeNull();
    expect(parsePositiveInt('2147483647')).toBe(2147483647);
    expect(parsePositiveInt('2147483648')).toBeNull();
  });
  it('pluralises', () => {
    expect(plural(1, 'episode', 'episodes')).toBe('1 episode');
    expect(plural(1234, 'episode', 'episodes')).toBe('1,234 episodes');
  });
});

describe('searchTermsOf', () => {
  it('drops release tags, years and seasons from a folder name', () => {
    expect(searchTermsOf('[SubsPlease] Sousou no Frieren (2023) S2 1080p')).toBe('Sousou no Frieren');
    expect(searchTermsOf('Haikyuu (2014)')).toBe('Haikyuu');
    expect(searchTermsOf('terrace.house.s1')).toBe('terrace house');
    expect(searchTermsOf('(2014)')).toBe('(2014)');
  });
});
