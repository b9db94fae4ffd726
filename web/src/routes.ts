// The app's pages. The server answers index.html for exactly these paths (it reads
// web/app-routes.json at build time; a test keeps the two equal). None may be an API path.

export const ROUTES = {
  immersion: '/',
  logs: '/logs',
  tv: '/tv',
  library: '/library',
  settings: '/settings',
  login: '/login',
} as const;

export type RoutePath = (typeof ROUTES)[keyof typeof ROUTES];

export const PAGE_PATHS: readonly RoutePath[] = Object.values(ROUTES);

/** The header's navigation, in order. */
export const NAV: readonly { path: RoutePath; label: string }[] = [
  { path: ROUTES.immersion, label: 'Immersion' },
  { path: ROUTES.logs, label: 'Log' },
  { path: ROUTES.tv, label: 'TV' },
  { path: ROUTES.library, label: 'Library' },
  { path: ROUTES.settings, label: 'Settings' },
];

/**
 * Where to go after signing in: only this app's own pages on this origin, never another host.
 * The URL parser decides (it drops tabs and newlines and reads "\\" as "/", as browsers do),
 * so "/\t/evil.example" or "/\\evil.example" cannot slip through as a path. Returns the
 * page's path and query, or "/".
 */
export function safeNext(next: string | null | undefined, origin: string = defaultOrigin()): string {
  if (!next || !next.startsWith('/')) return ROUTES.immersion;
  let url: URL;
  let base: URL;
  try {
    base = new URL(origin);
    url = new URL(next, base);
  } catch {
    return ROUTES.immersion;
  }
  if (url.origin !== base.origin) return ROUTES.immersion;
  const path = url.pathname as RoutePath;
  if (!PAGE_PATHS.includes(path) || path === ROUTES.login) return ROUTES.immersion;
  return path + url.search;
}

function defaultOrigin(): string {
  return typeof location !== 'undefined' ? location.origin : 'http://localhost';
}

export function loginUrl(from: string): string {
  return from === '/' || from.startsWith(ROUTES.login) ? ROUTES.login : `${ROUTES.login}?next=${encodeURIComponent(from)}`;
}
