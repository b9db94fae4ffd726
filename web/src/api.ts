// The typed client of the immersion-tracker API: one function per endpoint the dashboard
// uses, all through request(), which sends the session cookie and maps failures to
// ApiError / NetworkError.
import type { ActivityResponse } from './lib/activity';
import { ApiError, NetworkError, bodyMessage, isAbortError, parseRetryAfter } from './lib/errors';
import type { ShowFolder } from './lib/library';
import { createStore } from './lib/store';

export interface Providers {
  tvdb: boolean;
  tmdb: boolean;
  youtube: boolean;
  spotify: boolean;
  movie_database: 'tmdb' | 'tvdb' | string;
}

export interface Me {
  username: string;
  is_admin: boolean;
  time_zone: string;
  time_zone_is_default: boolean;
  providers: Providers;
}

export interface ProgressShow {
  show_id: string | null;
  name: string | null;
  artwork_url: string | null;
  episodes_watched: number;
}
export interface ProgressChannel {
  channel_id: string | null;
  channel_name: string | null;
  artwork_url: string | null;
  videos_watched: number;
}
export interface ProgressPodcast {
  show_id: string | null;
  show_name: string | null;
  artwork_url: string | null;
  episodes_watched: number;
}
export interface ProgressMovie {
  movie_id: string;
  name: string | null;
  artwork_url: string | null;
}

export interface Progress {
  total_episodes_watched: number;
  total_movies_watched: number;
  total_hours_watched: number;
  episodes_watched_today: number;
  movies_watched_today: number;
  youtube_videos_watched: number;
  youtube_videos_watched_today: number;
  spotify_episodes_watched: number;
  spotify_episodes_watched_today: number;
  days_since_first_episode: number;
  weekly_trend_percentage: number | null;
  daily_activity: { days_ago: number; minutes_watched: number }[];
  all_time_progress: { label: string; cumulative_hours: number }[];
  shows: ProgressShow[];
  youtube_channels: ProgressChannel[];
  spotify_shows: ProgressPodcast[];
  movies: ProgressMovie[];
  time_zone?: string;
}

export interface TvShow {
  tv_show: string;
  season: number;
  episode: number;
  last_updated: string;
}

export interface TvdbResult {
  tvdb_id: number;
  name: string;
  type: string;
  year: string | number | null;
  image_url: string | null;
  overview: string | null;
}

export interface TmdbResult {
  tmdb_id: number;
  name: string;
  title: string | null;
  year: string | number | null;
  image_url: string | null;
  overview: string | null;
}

export interface AddMovieAnswer {
  added: boolean;
  movie_id: string;
  tmdb_id: number;
  name?: string;
  title?: string;
  watched_on?: string;
}

export interface ApiToken {
  id: string;
  name: string;
  created_at: string | number;
}

export interface User {
  username: string;
  is_admin: boolean;
  created_at: string | number;
  time_zone: string | null;
}

/** True while the last request could not reach the server; the layout shows a banner. */
export const offline = createStore(false);
/** Bumped by the banner's Retry: pages reload what they show. */
export const refreshTick = createStore(0);

let unauthorizedHandler: () => void = () => {};
/** What to do when a call answers 401 (the app goes to /login). */
export function onUnauthorized(handler: () => void) {
  unauthorizedHandler = handler;
}

interface RequestOptions {
  body?: unknown;
  /** Let the caller handle 401 itself (the sign-in form). */
  allow401?: boolean;
  signal?: AbortSignal;
}

/** The endpoints that answer 204 (or whose body the dashboard does not read). */
type NoBody = { noBody: true };

/**
 * One call. A success resolves with the parsed JSON object, or with undefined for the calls
 * made with `noBody`; anything else rejects: AbortError as is, NetworkError when fetch or the
 * body's read failed, ApiError for an error status or for a success that is not a JSON
 * object (a proxy's HTML page, a cut-off body), so no caller ever indexes into null.
 */
export function request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
export function request(method: string, path: string, options: RequestOptions & NoBody): Promise<void>;
export async function request<T>(method: string, path: string, options: RequestOptions & Partial<NoBody> = {}): Promise<T | void> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    signal: options.signal ?? null,
  };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (isAbortError(err)) throw err;
    offline.set(true);
    throw new NetworkError(err);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    if (isAbortError(err)) throw err;
    offline.set(true);
    throw new NetworkError(err);
  }
  offline.set(false);
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, bodyMessage(body), parseRetryAfter(response.headers.get('Retry-After')));
    if (response.status === 401 && !options.allow401) unauthorizedHandler();
    throw error;
  }
  if (options.noBody) return undefined;
  if (typeof body !== 'object' || body === null) {
    throw new ApiError(
      response.status,
      response.status === 204 || !text
        ? `The server answered ${method} ${path.split('?')[0]} without a body.`
        : `The server's answer to ${method} ${path.split('?')[0]} is not JSON (a proxy in between?).`,
    );
  }
  return body as T;
}

const q = encodeURIComponent;

export const api = {
  signIn: (username: string, password: string) =>
    request('POST', '/api/session', { body: { username, password }, allow401: true, noBody: true }),
  signOut: () => request('DELETE', '/api/session', { allow401: true, noBody: true }),
  /** `allow401`: right after signing in, a 401 means the cookie was not kept (see Login). */
  me: (options: { allow401?: boolean } = {}) => request<Me>('GET', '/api/me', options),

  progress: () => request<Progress>('GET', '/progress'),
  activity: (from: string, to: string, signal?: AbortSignal) =>
    request<ActivityResponse>('GET', `/api/activity?from=${q(from)}&to=${q(to)}`, signal ? { signal } : {}),

  tvShows: (username: string) =>
    request<{ username: string; shows: TvShow[]; total_shows: number }>('GET', `/api/show_user?username=${q(username)}`),
  updateEpisode: (username: string, tv_show: string, season: number, episode: number) =>
    request<{ message: string }>('POST', '/api/update_episode', { body: { username, tv_show, season, episode } }),

  folders: () => request<{ shows: ShowFolder[] }>('GET', '/shows'),
  tagFolder: (folder_name: string, tvdb_id: number) => request<object>('PUT', '/show', { body: { folder_name, tvdb_id } }),
  searchTvdb: (query: string, signal?: AbortSignal) =>
    request<{ results: TvdbResult[] }>(
      'GET',
      `/tvdb/search?query=${q(query)}&type=series&limit=10`,
      signal ? { signal } : {},
    ),
  searchTmdb: (query: string, signal?: AbortSignal) =>
    request<{ results: TmdbResult[] }>('GET', `/tmdb/search?query=${q(query)}&limit=10`, signal ? { signal } : {}),
  addMovie: (tmdb_id: number, watched_on: string) =>
    request<AddMovieAnswer>('POST', '/api/movies', { body: { tmdb_id, watched_on } }),

  setTimeZone: (time_zone: string | null) =>
    request<{ time_zone: string; time_zone_is_default: boolean }>('PUT', '/api/me/time_zone', { body: { time_zone } }),
  changePassword: (current_password: string, new_password: string) =>
    request('PUT', '/api/me/password', { body: { current_password, new_password }, noBody: true }),
  tokens: () => request<{ tokens: ApiToken[] }>('GET', '/api/tokens'),
  createToken: (name: string) => request<ApiToken & { token: string }>('POST', '/api/tokens', { body: { name } }),
  deleteToken: (id: string) => request('DELETE', `/api/tokens/${q(id)}`, { noBody: true }),
  users: () => request<{ users: User[] }>('GET', '/api/users'),
  addUser: (username: string, password: string, is_admin: boolean) =>
    request<User>('POST', '/api/users', { body: { username, password, is_admin } }),
  deleteUser: (username: string) => request('DELETE', `/api/users/${q(username)}`, { noBody: true }),
};
