import { useMemo, useState } from 'preact/hooks';
import { api, type Me, type Progress } from '../api';
import { LazyActivityChart, LazyCumulativeChart, preloadCharts } from '../components/Chart';
import { PageError, Skeleton } from '../components/Feedback';
import { HeatMap } from '../components/HeatMap';
import { TrendIcon } from '../components/Icons';
import { TileSection } from '../components/Tiles';
import { useLoad, useMediaQuery } from '../hooks';
import {
  KINDS,
  currentStreak,
  formatMinutes,
  historyStart,
  longestStreak,
  monthlyCumulative,
  stackActivity,
  type ActivityDay,
  type CumulativePoint,
  type Kind,
} from '../lib/activity';
import { chunkRange, formatDay, isKnownTimeZone, lastDays, todayIn } from '../lib/dates';
import { plural } from '../lib/library';
import { onLinkClick } from '../lib/router';
import { ROUTES } from '../routes';

const RANGES = [7, 30, 90, 365] as const;
type Range = (typeof RANGES)[number];

const fmt = (n: number) => n.toLocaleString('en');

function hasAnything(p: Progress): boolean {
  return (
    p.total_episodes_watched + p.total_movies_watched + p.youtube_videos_watched + p.spotify_episodes_watched > 0 ||
    p.shows.length + p.movies.length + p.youtube_channels.length + p.spotify_shows.length > 0
  );
}

export function ImmersionPage({ me }: { me: Me }) {
  // "Today" is the user's zone's (Intl); a zone this browser does not know falls back to UTC,
  // and the page says so.
  const zoneKnown = isKnownTimeZone(me.time_zone);
  const today = todayIn(me.time_zone);
  const yearRange = lastDays(today, 365);
  const dashboard = useLoad((signal) => {
    preloadCharts();
    return Promise.all([api.progress(), api.activity(yearRange.from, yearRange.to, signal)]);
  }, [yearRange.from, yearRange.to]);
  const [p, activity] = dashboard.data ?? [];
  const yearDays = activity?.days ?? [];
  const todayDay = yearDays.find((d) => d.date === today);
  const todayMinutes =
    todayDay?.total_minutes ?? p?.daily_activity.find((d) => d.days_ago === 0)?.minutes_watched ?? 0;

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
          <Stats p={p} todayMinutes={todayMinutes} />
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
            <DailyActivity yearDays={yearDays} today={today} />
            <section class="card" aria-labelledby="year-h">
              <div class="card-head">
                <h2 id="year-h">The last year</h2>
                <span class="muted num">
                  Streak <strong data-stat="streak">{plural(currentStreak(yearDays), 'day', 'days')}</strong> · longest{' '}
                  {plural(longestStreak(yearDays), 'day', 'days')} ·{' '}
                  {plural(yearDays.filter((d) => d.total_minutes > 0).length, 'active day', 'active days')}
                </span>
              </div>
              <HeatMap days={yearDays} />
            </section>
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

function Stats({ p, todayMinutes }: { p: Progress; todayMinutes: number }) {
  const trend = p.weekly_trend_percentage;
  const todayItems: [string, number, string, string][] = [
    ['today-episodes', p.episodes_watched_today, 'episode', 'episodes'],
    ['today-movies', p.movies_watched_today, 'movie', 'movies'],
    ['today-videos', p.youtube_videos_watched_today, 'video', 'videos'],
    ['today-podcasts', p.spotify_episodes_watched_today, 'podcast episode', 'podcast episodes'],
  ];
  const rounded = trend === null ? null : Math.round(trend);
  return (
    <div class="stats">
      <section class="card stat stat-hero" aria-labelledby="stat-total">
        <h2 id="stat-total" class="stat-label">
          Total immersion
        </h2>
        <p class="stat-value num">
          <span data-stat="total-hours" data-value={p.total_hours_watched}>
            {fmt(p.total_hours_watched)}
          </span>
          <span class="stat-unit">{p.total_hours_watched === 1 ? 'hour' : 'hours'}</span>
        </p>
        <p class="stat-sub muted num">
          {plural(p.total_episodes_watched, 'episode', 'episodes')} · {plural(p.total_movies_watched, 'movie', 'movies')} ·{' '}
          {plural(p.youtube_videos_watched, 'video', 'videos')} · {plural(p.spotify_episodes_watched, 'podcast', 'podcasts')}
        </p>
      </section>
      <section class="card stat" aria-labelledby="stat-today">
        <h2 id="stat-today" class="stat-label">
          Today
        </h2>
        <p class="stat-value num">
          <span data-stat="today-minutes" data-value={todayMinutes}>
            {fmt(todayMinutes)}
          </span>
          <span class="stat-unit">min</span>
        </p>
        <ul class="today-items num" aria-label="Watched today">
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
      <section class="card stat" aria-labelledby="stat-days">
        <h2 id="stat-days" class="stat-label">
          Since your first item
        </h2>
        <p class="stat-value num">
          <span data-stat="days-since-first" data-value={p.days_since_first_episode}>
            {fmt(p.days_since_first_episode)}
          </span>
          <span class="stat-unit">{p.days_since_first_episode === 1 ? 'day' : 'days'}</span>
        </p>
        <p class="stat-sub muted">Keep the streak going</p>
      </section>
    </div>
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
        Only following a series? Track where you are on the{' '}
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

function DailyActivity({ yearDays, today }: { yearDays: ActivityDay[]; today: string }) {
  const [range, setRange] = useState<Range>(30);
  // Each pick asks the server for exactly that range (a click on the current one refreshes it);
  // until it answers, the same days from the year already loaded are shown. The answer is
  // kept with its range and its "today", so an answer for another range or from before
  // midnight is never shown.
  const [pick, setPick] = useState(0);
  const fetched = useLoad(
    async (signal) => {
      if (pick === 0) return null;
      const r = lastDays(today, range);
      const answer = await api.activity(r.from, r.to, signal);
      return { range, today, days: answer.days };
    },
    [pick, range, today],
  );
  const [hover, setHover] = useState<number | null>(null);
  const [table, setTable] = useState(false);
  const dark = useMediaQuery('(prefers-color-scheme: dark)');
  const narrow = useMediaQuery('(max-width: 600px)');
  const answered = fetched.data;
  const days = useMemo(
    () => (answered && answered.range === range && answered.today === today ? answered.days : yearDays.slice(-range)),
    [answered, yearDays, range, today],
  );
  const series = useMemo(() => stackActivity(days), [days]);
  // The sum of the days' total_minutes as /api/activity answered them: the one range total.
  const rangeTotal = days.reduce((s, d) => s + d.total_minutes, 0);
  const perKind = KINDS.map((k) => ({ ...k, minutes: series.minutes[k.kind].reduce((a, b) => a + b, 0) }));
  const kindsTotal = perKind.reduce((s, k) => s + k.minutes, 0);
  const hovered = hover === null ? null : days[hover];
  const summary = `Last ${range} days: ${formatMinutes(rangeTotal)} · ${formatMinutes(Math.floor(rangeTotal / range))} a day on average`;

  return (
    <section class="card" aria-labelledby="daily-h">
      <div class="card-head wrap">
        <h2 id="daily-h">Daily activity</h2>
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
      {/* What the pointer is over, for the eyes only; screen readers get the summary below,
          which changes with the range, not with every mouse move (the table has each day). */}
      <p class="chart-readout num" aria-hidden="true">
        {hovered ? (
          <>
            <strong>{formatDay(hovered.date)}</strong>: {formatMinutes(hovered.total_minutes)}
            {KINDS.filter((k) => (hovered.minutes[k.kind] ?? 0) > 0).map((k) => (
              <span key={k.kind} class="readout-kind">
                <span class={`dot dot-${k.kind}`} aria-hidden="true" />
                {k.label} {formatMinutes(hovered.minutes[k.kind] ?? 0)}
              </span>
            ))}
          </>
        ) : (
          <>
            <strong>Last {range} days</strong>: {formatMinutes(rangeTotal)} · {formatMinutes(Math.floor(rangeTotal / range))} a day on
            average
          </>
        )}
      </p>
      <p class="sr-only" aria-live="polite">
        {summary}
      </p>
      <PageError error={fetched.error} onRetry={fetched.reload} />
      <LazyActivityChart series={series} dark={dark} onHover={setHover} height={narrow ? 200 : 260} />
      <ul class="legend" aria-label="Kinds">
        {perKind.map((k) => (
          <li key={k.kind} class={k.minutes === 0 ? 'zero' : ''}>
            <span class={`swatch swatch-${k.kind}`} aria-hidden="true" />
            {k.label} <span class="muted num">{formatMinutes(k.minutes)}</span>
          </li>
        ))}
      </ul>
      {kindsTotal !== rangeTotal && (
        <p class="hint legend-note">
          Each kind’s minutes are rounded down on their own, so together they can come to a little less than the{' '}
          {formatMinutes(rangeTotal)} in all.
        </p>
      )}
      <details class="data-table" onToggle={(e) => setTable((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>Show the numbers</summary>
        {table && <ActivityTable days={days} />}
      </details>
    </section>
  );
}

function ActivityTable({ days }: { days: ActivityDay[] }) {
  return (
    <div class="table-scroll">
      <table class="num">
        <caption class="sr-only">Minutes per day and kind</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {KINDS.map((k) => (
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
              {KINDS.map((k) => (
                <td key={k.kind}>{d.minutes[k.kind as Kind] ?? 0}</td>
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

function Cumulative({ p, today }: { p: Progress; today: string }) {
  const [view, setView] = useState<'quarter' | 'month'>('quarter');
  // The months are asked for on the first look and kept (with the day they were asked on).
  const [monthAsked, setMonthAsked] = useState(false);
  const [hover, setHover] = useState<number | null>(null);
  const dark = useMediaQuery('(prefers-color-scheme: dark)');

  const monthly = useLoad(
    async (signal) => {
      if (!monthAsked) return null;
      const chunks = chunkRange({ from: historyStart(today, p.days_since_first_episode), to: today });
      const answers = await Promise.all(chunks.map((c) => api.activity(c.from, c.to, signal)));
      return { today, days: answers.flatMap((a) => a.days) };
    },
    [monthAsked, today, p.days_since_first_episode],
  );
  const monthDays = monthly.data && monthly.data.today === today ? monthly.data.days : null;
  // The last month ends on /progress's total_hours_watched (see monthlyCumulative).
  const monthPoints = useMemo(
    () => (monthDays ? monthlyCumulative(monthDays, p.total_hours_watched) : null),
    [monthDays, p.total_hours_watched],
  );

  const choose = (next: 'quarter' | 'month') => {
    setView(next);
    setHover(null);
    if (next === 'month') setMonthAsked(true);
  };

  const points = view === 'quarter' ? p.all_time_progress : (monthPoints ?? NO_POINTS);
  const waiting = view === 'month' && !monthPoints;
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
      {view === 'month' && <PageError error={monthly.error} onRetry={monthly.reload} />}
      {waiting ? (
        monthly.error ? null : (
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
