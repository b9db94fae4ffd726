// The typed client of the immersion-tracker API: one function per endpoint the dashboard
// uses, all through request(), which sends the session cookie and maps failures to
// ApiError / NetworkError.
import type { ActivityResponse } from './lib/activity';
import { ApiError, NetworkError, bodyMessage, isAbortError, parseRetryAfter } from './lib/errors';
import type { GroupKind, LanguageChoice } from './lib/languages';
import type { ShowFolder } from './lib/library';
import type { ImmersionLog, LogFields } from './lib/logs';
import { createStore } from './lib/store';
import type { ImportReport } from './lib/transfer';

export interface Providers {
  tvdb: boolean;
  tmdb: boolean;
  youtube: boolean;
  spotify: boolean;
  movie_database: 'tmdb' | 'tvdb' | string;
}

/** The user's settings, as GET /api/me and each PUT /api/me/... answer them. */
export interface Settings {
  time_zone: string;
  time_zone_is_default: boolean;
  /** The language new logs get unless they say another; null: none. */
  language: string | null;
  /** 0: no goal. */
  daily_goal_minutes: number;
  /** The hour (0-23) the user's day begins. */
  day_start_hour: number;
}

export interface Me extends Settings {
  username: string;
  is_admin: boolean;
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
  /** Synced and logged, in whole minutes. */
  total_minutes_immersed: number;
  minutes_today: number;
  /** Most minutes first. */
  by_medium: MediumShare[];
  /** Most minutes first; null: unknown (a log without one, a synced item whose provider gives none and no choice). */
  by_language: LanguageShare[];
  /** null: no goal. */
  goal_daily_minutes: number | null;
  goal_met_today: boolean | null;
  current_streak_days: number;
  longest_streak_days: number;
}

export interface Share {
  minutes: number;
  items: number;
  minutes_last_7_days: number;
}
export interface MediumShare extends Share {
  medium: string;
}
export interface LanguageShare extends Share {
  language: string | null;
}

export interface LogPage {
  logs: ImmersionLog[];
  /** Present only when more logs follow: pass it back as `cursor`. */
  next_cursor?: string;
}

export interface LogQuery {
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
  order?: 'date' | 'created';
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
  /** A JSON document sent as it is, instead of `body` (a file the user picked: the browser streams it). */
  jsonDocument?: Blob | string;
  /** Let the caller handle 401 itself (the sign-in form). */
  allow401?: boolean;
  signal?: AbortSignal;
  /** More request headers (Idempotency-Key). */
  headers?: Record<string, string>;
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
    headers: { Accept: 'application/json', ...options.headers },
    signal: options.signal ?? null,
  };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  } else if (options.jsonDocument !== undefined) {
    init.body = options.jsonDocument;
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
  /** `language`: a tag, or "unknown"; all languages without it. */
  activity: (from: string, to: string, signal?: AbortSignal, language?: string) =>
    request<ActivityResponse>(
      'GET',
      `/api/activity?from=${q(from)}&to=${q(to)}${language ? `&language=${q(language)}` : ''}`,
      signal ? { signal } : {},
    ),

  logs: (query: LogQuery = {}, signal?: AbortSignal) => {
    const params = Object.entries(query)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${k}=${q(String(v))}`)
      .join('&');
    return request<LogPage>('GET', `/api/logs${params ? `?${params}` : ''}`, signal ? { signal } : {});
  },
  /** One submission, one `idempotencyKey`: a retry of it is recorded once. */
  addLog: (body: Record<string, unknown>, idempotencyKey: string) =>
    request<ImmersionLog>('POST', '/api/logs', { body, headers: { 'Idempotency-Key': idempotencyKey } }),
  changeLog: (id: string, patch: Partial<LogFields>) => request<ImmersionLog>('PATCH', `/api/logs/${q(id)}`, { body: patch }),
  deleteLog: (id: string) => request('DELETE', `/api/logs/${q(id)}`, { noBody: true }),

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
  /** The languages the user chose for show folders, channels and podcasts (not the providers'). */
  languages: (signal?: AbortSignal) =>
    request<{ languages: LanguageChoice[] }>('GET', '/api/languages', signal ? { signal } : {}),
  /**
   * The language a group's past and future items count in; null forgets the choice, so the
   * providers' count again. `id`: the folder name, the channel id, the Spotify show id.
   */
  chooseLanguage: (kind: GroupKind, id: string, language: string | null) =>
    request<LanguageChoice>('PUT', '/api/languages', { body: { kind, id, language } }),

  setTimeZone: (time_zone: string | null) =>
    request<{ time_zone: string; time_zone_is_default: boolean }>('PUT', '/api/me/time_zone', { body: { time_zone } }),
  setLanguage: (language: string | null) => request<Settings>('PUT', '/api/me/language', { body: { language } }),
  setGoal: (daily_minutes: number) => request<Settings>('PUT', '/api/me/goal', { body: { daily_minutes } }),
  setDayStart: (hour: number) => request<Settings>('PUT', '/api/me/day_start', { body: { hour } }),
  changePassword: (current_password: string, new_password: string) =>
    request('PUT', '/api/me/password', { body: { current_password, new_password }, noBody: true }),
  tokens: () => request<{ tokens: ApiToken[] }>('GET', '/api/tokens'),
  createToken: (name: string) => request<ApiToken & { token: string }>('POST', '/api/tokens', { body: { name } }),
  deleteToken: (id: string) => request('DELETE', `/api/tokens/${q(id)}`, { noBody: true }),
  users: () => request<{ users: User[] }>('GET', '/api/users'),
  addUser: (username: string, password: string, is_admin: boolean) =>
    request<User>('POST', '/api/users', { body: { username, password, is_admin } }),
  deleteUser: (username: string) => request('DELETE', `/api/users/${q(username)}`, { noBody: true }),
  /** An export document (the file as picked, up to 64 MiB) into the caller's account; checked whole before anything is written. */
  importExport: (document: Blob | string) => request<ImportReport>('POST', '/api/import', { jsonDocument: document }),
};
