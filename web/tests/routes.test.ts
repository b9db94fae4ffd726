import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NAV, PAGE_PATHS, ROUTES, loginUrl, safeNext } from '../src/routes';

const appRoutes = JSON.parse(readFileSync(new URL('../app-routes.json', import.meta.url), 'utf8')) as unknown;

// Paths the server answers itself (README "The API"): no page may take one of them.
const API_PATHS = ['/api', '/progress', '/shows', '/show', '/sync', '/syncmovies', '/syncyoutube', '/syncspotify', '/tvdb', '/tmdb', '/healthz', '/metrics'];

describe('page paths', () => {
  it('equal web/app-routes.json, which the server reads', () => {
    expect(appRoutes).toEqual([...PAGE_PATHS]);
  });
  it('collide with no API path', () => {
    for (const page of PAGE_PATHS) {
      for (const api of API_PATHS) {
        expect(page === api || page.startsWith(`${api}/`)).toBe(false);
      }
    }
  });
  it('are absolute, unique and the navigation uses them', () => {
    expect(new Set(PAGE_PATHS).size).toBe(PAGE_PATHS.length);
    for (const p of PAGE_PATHS) expect(p).toMatch(/^\/[a-z]*$/);
    for (const n of NAV) expect(PAGE_PATHS).toContain(n.path);
  });
});

describe('returning after sign-in', () => {
  it('goes back to the page, never to another host', () => {
    expect(safeNext('/tv')).toBe('/tv');
    expect(safeNext('/library?x=1')).toBe('/library?x=1');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('/login?next=/tv')).toBe('/');
  });
  it('refuses anything the URL parser reads as another host or an unknown page', () => {
    const origin = 'https://tracker.example';
    for (const evil of [
      '/\t/evil.com',
      '/\n/evil.com',
      '/\r\n/evil.com',
      '//evil.com',
      '///evil.com',
      'https://evil.com',
      'https://tracker.example.evil.com/tv',
      '/\\evil.com',
      '\\/evil.com',
      '/\t\\evil.com',
      'javascript:alert(1)',
      ' /tv',
      '/%2F/evil.com',
      '/api/me',
      '/tv/../api/tokens',
      '/nowhere',
      '',
    ]) {
      expect(safeNext(evil, origin), JSON.stringify(evil)).toBe('/');
    }
  });
  it('keeps the page and its query on this origin', () => {
    const origin = 'https://tracker.example';
    expect(safeNext('/settings?tab=tokens#x', origin)).toBe('/settings?tab=tokens');
    expect(safeNext('/library/../tv', origin)).toBe('/tv');
    expect(safeNext('/', origin)).toBe('/');
    expect(safeNext('/tv', 'http://127.0.0.1:8080')).toBe('/tv');
  });
  it('builds the login URL', () => {
    expect(loginUrl('/tv')).toBe('/login?next=%2Ftv');
    expect(loginUrl('/')).toBe(ROUTES.login);
  });
});
