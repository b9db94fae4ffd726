import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { api, type LanguageShare, type Me, type Progress } from '../api';
import { LazyActivityChart, LazyCumulativeChart, preloadCharts } from '../components/Chart';
import { PageError, Skeleton } from '../components/Feedback';
import { HeatMap } from '../components/HeatMap';
import { TrendIcon } from '../components/Icons';
import { TileSection } from '../components/Tiles';
import { useLoad, useMediaQuery } from '../hooks';
import {
  cumulativeHours,
  formatMinutes,
  formatShare,
  goalProgress,
  historyStart,
  includesLogs,
  stackActivity,
  type ActivityDay,
  type CumulativePoint,
} from '../lib/activity';
import { addDays, chunkRange, formatDay, isKnownTimeZone, lastDays, todayIn } from '../lib/dates';
import { plural } from '../lib/library';
import { languageName, mediumColor, mediumLabel } from '../lib/mediums';
import { onLinkClick } from '../lib/router';
import { ROUTES } from '../routes';

const RANGES = [7, 30, 90, 365] as const;
type Range = (typeof RANGES)[number];

const fmt = (n: number) => n.toLocaleString('en');

function syncedItems(p: Progress): number {
  return p.total_episodes_watched + p.total_movies_watched + p.youtube_videos_watched + p.spotify_episodes_watched;
}

function hasAnything(p: Progress): boolean {
  return (
    syncedItems(p) > 0 ||
    p.shows.length + p.movies.length + p.youtube_channels.length + p.spotify_shows.length > 0 ||
    p.total_minutes_immersed > 0 ||
    p.by_medium.length > 0
  );
}

/** Whether the totals hold logs: all_time_progress (synced items only) then falls short. */
const withLogs = (p: Progress) => includesLogs(p.by_medium, syncedItems(p), p.total_minutes_immersed, p.total_hours_watched);

/** The hours the page shows as the total, synced and logged. */
const totalHours = (p: Progress) => (withLogs(p) ? Math.floor(p.total_minutes_immersed / 60) : p.total_hours_watched);

export function ImmersionPage({ me }: { me: Me }) {
  // "Today" is the user's (Intl, in their zone, from the hour their day begins); a zone this
  // browser does not know falls back to UTC, and the page says so.
  const zoneKnown = isKnownTimeZone(me.time_zone);
  const today = todayIn(me.time_zone, new Date(), me.day_start_hour);
  const yearRange = lastDays(today, 365);
  const dashboard = useLoad((signal) => {
    preloadCharts();
    return Promise.all([api.progress(), api.activity(yearRange.from, yearRange.to, signal)]);
  }, [yearRange.from, yearRange.to]);
  const [p, activity] = dashboard.data ?? [];
  const yearDays = activity?.days ?? [];

  return (
    <div class="page">
      <div class="page-head">
        <h1>Immersion</h1>
        <p class="muted">
          Today is{' '}
          <time data-stat="today-date" dateTime={today}>
            {formatDay(today)}
          </time>{' '}
          <span class="tz">({activity?.time_zone ?? me.time_zone})</span>
        </p>
        {!zoneKnown && (
          <p class="hint zone-note" data-zone-unknown>
            This browser does not know the time zone {me.time_zone}, so “today” here is the date in UTC; the server
            counts your days in {me.time_zone}.
          </p>
        )}
      </div>
      <PageError error={dashboard.error} onRetry={dashboard.reload} />
      {!p ? (
        <StatsSkeleton />
      ) : (
        <>
          {!hasAnything(p) && <Welcome me={me} />}
          <Stats p={p} />
        </>
      )}
      {!p || !activity ? (
        <>
          <Skeleton height={340} class="card-skeleton" />
          <Skeleton height={200} class="card-skeleton" />
        </>
      ) : (
        hasAnything(p) && (
          <>
            <DailyActivity yearDays={yearDays} today={today} languages={p.by_language} />
            <section class="card" aria-labelledby="year-h">
              <div class="card-head">
                <h2 id="year-h">The last year</h2>
                <span class="muted num">
                  {plural(yearDays.filter((d) => d.total_minutes > 0).length, 'active day', 'active days')}
                </span>
              </div>
              <HeatMap days={yearDays} />
            </section>
            <div class="tile-columns">
              <Breakdown
                id="by-medium"
                title="By medium"
                empty="Nothing yet."
                rows={p.by_medium.map((m) => ({
                  key: m.medium,
                  label: mediumLabel(m.medium),
                  color: `var(--kind-${mediumColor(m.medium)})`,
                  ...m,
                }))}
              />
              <Breakdown
                id="by-language"
                title="By language"
                empty="Nothing yet."
                rows={p.by_language.map((l) => ({
                  key: l.language ?? 'unknown',
                  label: languageName(l.language),
                  color: l.language === null ? 'var(--text-muted)' : 'var(--accent)',
                  ...l,
                }))}
                note={
                  p.by_language.some((l) => l.language === null) ? (
                    <p class="hint">
                      Synced items count in their provider's language, or in one you choose for their show, channel or podcast in
                      the{' '}
                      <a href={ROUTES.library} onClick={onLinkClick}>
                        Library
                      </a>
                      ; unknown when neither says. Logs take your{' '}
                      <a href={ROUTES.settings} onClick={onLinkClick}>
                        default language
                      </a>{' '}
                      unless you pick another.
                    </p>
                  ) : null
                }
              />
            </div>
            <Cumulative p={p} today={today} />
            <div class="tile-columns">
              <TileSection
                title="TV shows"
                kind="tv"
                summary={plural(p.total_episodes_watched, 'episode', 'episodes')}
                empty="No episodes synced yet."
                tiles={p.shows.map((s, i) => ({
                  key: s.show_id ?? `untagged-${i}`,
                  name: s.name ?? 'Untagged folder',
                  artwork: s.artwork_url,
                  count: plural(s.episodes_watched, 'episode', 'episodes'),
                }))}
              />
              <TileSection
                title="YouTube channels"
                kind="youtube"
                shape="square"
                summary={plural(p.youtube_videos_watched, 'video', 'videos')}
                empty="No YouTube videos synced yet."
                tiles={p.youtube_channels.map((c, i) => ({
                  key: c.channel_id ?? `channel-${i}`,
                  name: c.channel_name ?? 'Unknown channel',
                  artwork: c.artwork_url,
                  count: plural(c.videos_watched, 'video', 'videos'),
                }))}
              />
              <TileSection
                title="Podcasts"
                kind="podcast"
                shape="square"
                summary={plural(p.spotify_episodes_watched, 'episode', 'episodes')}
                empty="No Spotify episodes synced yet."
                tiles={p.spotify_shows.map((s, i) => ({
                  key: s.show_id ?? `podcast-${i}`,
                  name: s.show_name ?? 'Unknown podcast',
                  artwork: s.artwork_url,
                  count: plural(s.episodes_watched, 'episode', 'episodes'),
                }))}
              />
              <TileSection
                title="Movies"
                kind="movie"
                summary={plural(p.total_movies_watched, 'movie', 'movies')}
                empty="No movies yet."
                tiles={p.movies.map((m) => ({ key: m.movie_id, name: m.name ?? 'Unknown movie', artwork: m.artwork_url }))}
              />
            </div>
          </>
        )
      )}
    </div>
  );
}

function StatsSkeleton() {
  return (
    <div class="stats" aria-busy="true">
      {[0, 1, 2, 3].map((i) => (
        <div class="card stat" key={i}>
          <Skeleton height={14} width="50%" />
          <Skeleton height={34} width="40%" />
          <Skeleton height={12} width="70%" />
        </div>
      ))}
    </div>
  );
}

function Stats({ p }: { p: Progress }) {
  const trend = p.weekly_trend_percentage;
  const todayItems: [string, number, string, string][] = [
    ['today-episodes', p.episodes_watched_today, 'episode', 'episodes'],
    ['today-movies', p.movies_watched_today, 'movie', 'movies'],
    ['today-videos', p.youtube_videos_watched_today, 'video', 'videos'],
    ['today-podcasts', p.spotify_episodes_watched_today, 'podcast episode', 'podcast episodes'],
  ];
  const rounded = trend === null ? null : Math.round(trend);
  const hours = totalHours(p);
  const today = p.minutes_today;
  const goal = p.goal_daily_minutes;
  const met = p.goal_met_today === true;
  const streak = p.current_streak_days;
  const longest = p.longest_streak_days;
  return (
    <div class="stats">
      <section class="card stat stat-hero" aria-labelledby="stat-total">
        <h2 id="stat-total" class="stat-label">
          Total immersion
        </h2>
        <p class="stat-value num">
          <span data-stat="total-hours" data-value={hours}>
            {fmt(hours)}
          </span>
          <span class="stat-unit">{hours === 1 ? 'hour' : 'hours'}</span>
        </p>
        <p class="stat-sub muted num">
          {plural(p.total_episodes_watched, 'episode', 'episodes')} · {plural(p.total_movies_watched, 'movie', 'movies')} ·{' '}
          {plural(p.youtube_videos_watched, 'video', 'videos')} · {plural(p.spotify_episodes_watched, 'podcast', 'podcasts')}
          {withLogs(p) && ' · plus your logs'}
        </p>
      </section>
      <section class="card stat" aria-labelledby="stat-today">
        <h2 id="stat-today" class="stat-label">
          Today
        </h2>
        <p class="stat-value num">
          <span data-stat="today-minutes" data-value={today}>
            {fmt(today)}
          </span>
          <span class="stat-unit">
            min
            {goal !== null && (
              <>
                {' '}
                of{' '}
                <span data-stat="goal" data-value={goal}>
                  {fmt(goal)}
                </span>
              </>
            )}
          </span>
        </p>
        {goal !== null ? (
          <div class="goal" data-goal-met={met ? 'true' : 'false'}>
            <div
              class="goal-bar"
              role="progressbar"
              aria-label="Daily goal"
              aria-valuemin={0}
              aria-valuemax={goal}
              aria-valuenow={Math.min(today, goal)}
              aria-valuetext={`${formatMinutes(today)} of ${formatMinutes(goal)}`}
            >
              <span class={met ? 'goal-fill goal-fill-met' : 'goal-fill'} style={{ width: `${goalProgress(today, goal) * 100}%` }} />
            </div>
            <p class={`stat-sub num ${met ? 'goal-met' : 'muted'}`} data-stat="goal-status">
              {met ? 'Daily goal met' : `${formatMinutes(Math.max(0, goal - today))} to go`}
            </p>
          </div>
        ) : (
          <p class="stat-sub muted">
            <a href={ROUTES.settings} onClick={onLinkClick}>
              Set a daily goal
            </a>
          </p>
        )}
        <ul class="today-items num" aria-label="Synced today">
          {todayItems.map(([key, n, one, many]) => (
            <li key={key} class={n === 0 ? 'zero' : ''}>
              <span data-stat={key} data-value={n}>
                {fmt(n)}
              </span>{' '}
              {n === 1 ? one : many}
            </li>
          ))}
        </ul>
      </section>
      <section class="card stat" aria-labelledby="stat-trend">
        <h2 id="stat-trend" class="stat-label">
          This week
        </h2>
        {rounded === null ? (
          <>
            <p class="stat-value stat-value-small muted" data-stat="weekly-trend" data-value="">
              —
            </p>
            <p class="stat-sub muted">
              {p.days_since_first_episode < 14 ? 'Not enough history yet (14 days)' : 'No trend yet'}
            </p>
          </>
        ) : (
          <>
            <p class={`stat-value num ${rounded >= 0 ? 'trend-up' : 'trend-down'}`}>
              <TrendIcon down={rounded < 0} width={24} height={24} />
              <span data-stat="weekly-trend" data-value={trend ?? ''} title={`${trend}%`}>
                {rounded > 0 ? '+' : rounded < 0 ? '−' : ''}
                {fmt(Math.abs(rounded))}%
              </span>
            </p>
            <p class="stat-sub muted">Last 7 days against your weekly average</p>
          </>
        )}
      </section>
      <section class="card stat" aria-labelledby="stat-streak">
        <h2 id="stat-streak" class="stat-label">
          Streak
        </h2>
        <p class="stat-value num">
          <span data-stat="streak" data-value={streak}>
            {fmt(streak)}
          </span>
          <span class="stat-unit">{streak === 1 ? 'day' : 'days'}</span>
        </p>
        <p class="stat-sub muted num">
          Longest{' '}
          <span data-stat="longest-streak" data-value={longest}>
            {fmt(longest)}
          </span>{' '}
          {longest === 1 ? 'day' : 'days'} · {goal !== null ? `counting days of ${formatMinutes(goal)} or more` : 'counting days with any immersion'}
        </p>
      </section>
    </div>
  );
}

interface ShareRow {
  key: string;
  label: string;
  /** The bar's and the dot's colour, a CSS value. */
  color: string;
  minutes: number;
  items: number;
  minutes_last_7_days: number;
}

/** Where the minutes went: one row per medium or language, most first, as /progress lists them. */
function Breakdown({ id, title, rows, empty, note }: { id: string; title: string; rows: ShareRow[]; empty: string; note?: ComponentChildren }) {
  const total = rows.reduce((s, r) => s + r.minutes, 0);
  const top = Math.max(1, ...rows.map((r) => r.minutes));
  return (
    <section class="card" aria-labelledby={`${id}-h`} data-section={id}>
      <div class="card-head">
        <h2 id={`${id}-h`}>{title}</h2>
        <span class="muted num">{formatMinutes(total)}</span>
      </div>
      {rows.length === 0 ? (
        <p class="muted empty-line">{empty}</p>
      ) : (
        <ul class="shares">
          {rows.map((r) => (
            <li key={r.key} class="share" data-share={r.key}>
              <div class="share-line">
                <span class="share-name">
                  <span class="dot" style={{ background: r.color }} aria-hidden="true" />
                  {r.label}
                </span>
                <span class="share-time num">
                  <span data-field="minutes" data-value={r.minutes}>
                    {formatMinutes(r.minutes)}
                  </span>{' '}
                  <span class="muted">{formatShare(r.minutes, total)}</span>
                </span>
              </div>
              <span class="share-bar" aria-hidden="true">
                <span style={{ width: `${(r.minutes / top) * 100}%`, background: r.color }} />
              </span>
              <p class="share-sub muted num">
                {plural(r.items, 'item', 'items')} ·{' '}
                {r.minutes_last_7_days > 0 ? `${formatMinutes(r.minutes_last_7_days)} in the last 7 days` : 'none in the last 7 days'}
              </p>
            </li>
          ))}
        </ul>
      )}
      {note}
    </section>
  );
}

function Welcome({ me }: { me: Me }) {
  const command = `immersion-tracker sync --server ${location.origin} --user ${me.username}`;
  return (
    <section class="card welcome" aria-labelledby="welcome-h">
      <h2 id="welcome-h">Nothing tracked yet: let's start</h2>
      <ol class="steps">
        <li>
          Put what you have watched in a folder: <code>shows/&lt;show&gt;/watched/&lt;episode&gt;.mkv</code>,{' '}
          <code>movies/watched/&lt;movie&gt;.mp4</code>, and YouTube or Spotify links, one a line, in{' '}
          <code>watched.txt</code>.
        </li>
        <li>
          In that folder, run the sync client (it reads your password from <code>IMMERSION_TRACKER_PASSWORD</code>, or
          give it <code>--token</code> with a token from{' '}
          <a href={ROUTES.settings} onClick={onLinkClick}>
            Settings
          </a>
          ):
          {/* Focusable: on a phone the command scrolls sideways, and keyboards must reach it too. */}
          <pre class="code" tabIndex={0} aria-label="The sync command">
            <code>{command}</code>
          </pre>
        </li>
        <li>
          Come back here to see your hours, your days and your shows. Add <code>--dry-run</code> to see first what
          would be synced.
        </li>
      </ol>
      <p class="muted">
        Reading a book or manga, listening to an audiobook, playing a game?{' '}
        <a href={ROUTES.logs} onClick={onLinkClick}>
          Log it
        </a>{' '}
        and it counts too. Only following a series? Track where you are on the{' '}
        <a href={ROUTES.tv} onClick={onLinkClick}>
          TV progress
        </a>{' '}
        page. Saw a film at the cinema? Add it in the{' '}
        <a href={ROUTES.library} onClick={onLinkClick}>
          Library
        </a>
        .
      </p>
    </section>
  );
}

/** The language filter's value for /api/activity: a tag or "unknown"; "" for all. */
function languageValue(l: LanguageShare): string {
  return l.language ?? 'unknown';
}

function DailyActivity({ yearDays, today, languages }: { yearDays: ActivityDay[]; today: string; languages: LanguageShare[] }) {
  const [range, setRange] = useState<Range>(30);
  const [language, setLanguage] = useState('');
  // Each pick asks the server for exactly that range (a click on the current one refreshes it);
  // until it answers, the same days from the year already loaded are shown (for all
  // languages; a language's days wait for their answer). The answer is kept with its range,
  // language and "today", so an answer for another choice or from before midnight is never shown.
  const [pick, setPick] = useState(0);
  const fetched = useLoad(
    async (signal) => {
      if (pick === 0 && !language) return null;
      const r = lastDays(today, range);
      const answer = await api.activity(r.from, r.to, signal, language || undefined);
      return { range, today, language, days: answer.days };
    },
    [pick, range, today, language],
  );
  const [hover, setHover] = useState<number | null>(null);
  const [table, setTable] = useState(false);
  const dark = useMediaQuery('(prefers-color-scheme: dark)');
  const narrow = useMediaQuery('(max-width: 600px)');
  const answered = fetched.data;
  const days = useMemo(
    () =>
      answered && answered.range === range && answered.today === today && answered.language === language
        ? answered.days
        : language
          ? null
          : yearDays.slice(-range),
    [answered, yearDays, range, today, language],
  );
  const series = useMemo(() => stackActivity(days ?? []), [days]);
  // The sum of the days' total_minutes as /api/activity answered them: the one range total.
  const rangeTotal = (days ?? []).reduce((s, d) => s + d.total_minutes, 0);
  const perKind = series.kinds.map((k) => ({ ...k, minutes: (series.minutes[k.kind] ?? []).reduce((a, b) => a + b, 0) }));
  const kindsTotal = perKind.reduce((s, k) => s + k.minutes, 0);
  const hovered = hover === null || !days ? null : days[hover];
  // The filter is worth offering once some immersion has a language.
  const filterable = languages.some((l) => l.language !== null);
  const chosen = languages.find((l) => languageValue(l) === language);
  const inLanguage = language ? ` in ${chosen ? languageName(chosen.language) : language}` : '';
  const summary = days
    ? `Last ${range} days${inLanguage}: ${formatMinutes(rangeTotal)} · ${formatMinutes(Math.floor(rangeTotal / range))} a day on average`
    : `Loading the last ${range} days${inLanguage}…`;

  return (
    <section class="card" aria-labelledby="daily-h">
      <div class="card-head wrap">
        <h2 id="daily-h">Daily activity</h2>
        <div class="chart-controls">
          {filterable && (
            <div class="field field-inline field-compact">
              <label for="activity-language">Language</label>
              <select
                id="activity-language"
                value={language}
                onChange={(e) => {
                  setLanguage(e.currentTarget.value);
                  setHover(null);
                }}
              >
                <option value="">All languages</option>
                {languages.map((l) => (
                  <option key={languageValue(l)} value={languageValue(l)}>
                    {languageName(l.language)}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div class="segmented" role="group" aria-label="Range">
            {RANGES.map((r) => (
              <button
                type="button"
                key={r}
                aria-pressed={range === r}
                onClick={() => {
                  setRange(r);
                  setHover(null);
                  setPick((n) => n + 1);
                }}
              >
                {r} days
              </button>
            ))}
          </div>
        </div>
      </div>
      {/* What the pointer is over, for the eyes only; screen readers get the summary below,
          which changes with the range, not with every mouse move (the table has each day). */}
      <p class="chart-readout num" aria-hidden="true">
        {hovered ? (
          <>
            <strong>{formatDay(hovered.date)}</strong>: {formatMinutes(hovered.total_minutes)}
            {series.kinds
              .filter((k) => (hovered.minutes[k.kind] ?? 0) > 0)
              .map((k) => (
                <span key={k.kind} class="readout-kind">
                  <span class={`dot dot-${mediumColor(k.kind)}`} aria-hidden="true" />
                  {k.label} {formatMinutes(hovered.minutes[k.kind] ?? 0)}
                </span>
              ))}
          </>
        ) : days ? (
          <>
            <strong>
              Last {range} days{inLanguage}
            </strong>
            : {formatMinutes(rangeTotal)} · {formatMinutes(Math.floor(rangeTotal / range))} a day on average
          </>
        ) : (
          'Loading…'
        )}
      </p>
      <p class="sr-only" aria-live="polite">
        {summary}
      </p>
      <PageError error={fetched.error} onRetry={fetched.reload} />
      {days ? (
        <LazyActivityChart series={series} dark={dark} onHover={setHover} height={narrow ? 200 : 260} />
      ) : fetched.error ? null : (
        <Skeleton height={narrow ? 200 : 260} class="chart-skeleton" />
      )}
      {days && perKind.length === 0 && <p class="muted legend-note">Nothing in these days{inLanguage}.</p>}
      {perKind.length > 0 && (
        <ul class="legend" aria-label="Mediums">
          {perKind.map((k) => (
            <li key={k.kind} class={k.minutes === 0 ? 'zero' : ''}>
              <span class={`swatch swatch-${mediumColor(k.kind)}`} aria-hidden="true" />
              {k.label} <span class="muted num">{formatMinutes(k.minutes)}</span>
            </li>
          ))}
        </ul>
      )}
      {kindsTotal !== rangeTotal && (
        <p class="hint legend-note">
          Each medium’s minutes are rounded down on their own, so together they can come to a little less than the{' '}
          {formatMinutes(rangeTotal)} in all.
        </p>
      )}
      {days && (
        <details class="data-table" onToggle={(e) => setTable((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>Show the numbers</summary>
          {table && <ActivityTable days={days} kinds={series.kinds} />}
        </details>
      )}
    </section>
  );
}

function ActivityTable({ days, kinds }: { days: ActivityDay[]; kinds: { kind: string; label: string }[] }) {
  return (
    <div class="table-scroll">
      <table class="num">
        <caption class="sr-only">Minutes per day and medium</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {kinds.map((k) => (
              <th scope="col" key={k.kind}>
                {k.label}
              </th>
            ))}
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {[...days].reverse().map((d) => (
            <tr key={d.date}>
              <th scope="row">{formatDay(d.date)}</th>
              {kinds.map((k) => (
                <td key={k.kind}>{d.minutes[k.kind] ?? 0}</td>
              ))}
              <td>{d.total_minutes}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const NO_POINTS: CumulativePoint[] = [];

/**
 * The first day to ask /api/activity for, so that the history holds every log too: logs may
 * be older than the first synced item (days_since_first_episode). Each step asks for the newest
 * log before the start and goes back at least a year, so years of logs take a few requests.
 */
async function historyFrom(today: string, daysSinceFirst: number, signal: AbortSignal): Promise<string> {
  let start = historyStart(today, daysSinceFirst);
  for (let i = 0; i < 200; i++) {
    const older = (await api.logs({ to: addDays(start, -1), limit: 1 }, signal)).logs[0];
    if (!older) break;
    const yearBefore = addDays(start, -366);
    start = older.date < yearBefore ? older.date : yearBefore;
  }
  return start;
}

function Cumulative({ p, today }: { p: Progress; today: string }) {
  const [view, setView] = useState<'quarter' | 'month'>('quarter');
  // all_time_progress counts synced items only: with logs, the quarters are summed here from
  // the days, as the months are. The days are asked for when first needed, and kept (with the
  // day they were asked on).
  const logged = withLogs(p);
  const [historyAsked, setHistoryAsked] = useState(false);
  const [hover, setHover] = useState<number | null>(null);
  const dark = useMediaQuery('(prefers-color-scheme: dark)');
  const total = totalHours(p);

  const history = useLoad(
    async (signal) => {
      if (!historyAsked && !logged) return null;
      const from = logged ? await historyFrom(today, p.days_since_first_episode, signal) : historyStart(today, p.days_since_first_episode);
      const chunks = chunkRange({ from, to: today });
      const answers = await Promise.all(chunks.map((c) => api.activity(c.from, c.to, signal)));
      return { today, days: answers.flatMap((a) => a.days) };
    },
    [historyAsked, logged, today, p.days_since_first_episode],
  );
  const historyDays = history.data && history.data.today === today ? history.data.days : null;
  // The last point is the total the page shows (see cumulativeHours).
  const monthPoints = useMemo(() => (historyDays ? cumulativeHours(historyDays, 'month', total) : null), [historyDays, total]);
  const quarterPoints = useMemo(
    () => (!logged ? p.all_time_progress : historyDays ? cumulativeHours(historyDays, 'quarter', total) : null),
    [logged, p.all_time_progress, historyDays, total],
  );

  const choose = (next: 'quarter' | 'month') => {
    setView(next);
    setHover(null);
    if (next === 'month') setHistoryAsked(true);
  };

  const shownPoints = view === 'quarter' ? quarterPoints : monthPoints;
  const points = shownPoints ?? NO_POINTS;
  const waiting = shownPoints === null;
  const labels = useMemo(() => points.map((x) => x.label), [points]);
  const hours = useMemo(() => points.map((x) => x.cumulative_hours), [points]);
  const last = points[points.length - 1];
  const shown = hover === null ? last : points[hover];

  return (
    <section class="card" aria-labelledby="cumulative-h">
      <div class="card-head wrap">
        <h2 id="cumulative-h">Hours over time</h2>
        <div class="segmented" role="group" aria-label="Step">
          <button type="button" aria-pressed={view === 'quarter'} onClick={() => choose('quarter')}>
            By quarter
          </button>
          <button type="button" aria-pressed={view === 'month'} onClick={() => choose('month')}>
            By month
          </button>
        </div>
      </div>
      <p class="chart-readout num" aria-hidden="true">
        {shown ? (
          <>
            <strong>{shown.label}</strong>: {plural(shown.cumulative_hours, 'hour', 'hours')} in all
          </>
        ) : (
          '\u00a0'
        )}
      </p>
      <p class="sr-only" aria-live="polite">
        {last && !waiting ? `${last.label}: ${plural(last.cumulative_hours, 'hour', 'hours')} in all` : ''}
      </p>
      {waiting && <PageError error={history.error} onRetry={history.reload} />}
      {waiting ? (
        history.error ? null : (
          <Skeleton height={220} class="chart-skeleton" />
        )
      ) : points.length === 0 ? (
        <p class="muted empty-line">No hours yet.</p>
      ) : (
        <LazyCumulativeChart labels={labels} hours={hours} dark={dark} onHover={setHover} />
      )}
      {points.length > 0 && (
        <details class="data-table">
          <summary>Show the numbers</summary>
          <div class="table-scroll">
            <table class="num">
              <caption class="sr-only">Hours in all at the end of each {view}</caption>
              <thead>
                <tr>
                  <th scope="col">{view === 'quarter' ? 'Quarter' : 'Month'}</th>
                  <th scope="col">Hours in all</th>
                </tr>
              </thead>
              <tbody>
                {points.map((x) => (
                  <tr key={x.label}>
                    <th scope="row">{x.label}</th>
                    <td>{x.cumulative_hours}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}
