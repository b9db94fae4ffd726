import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Me, type Progress, type TmdbResult, type TvdbResult } from '../api';
import { Dialog } from '../components/Dialog';
import { PageError, Skeleton, Status } from '../components/Feedback';
import { GroupLanguage, LanguageDialog, type Group } from '../components/GroupLanguage';
import { AlertIcon, PlusIcon } from '../components/Icons';
import { Artwork, TileList } from '../components/Tiles';
import { useDebounced, useFlash, useLoad } from '../hooks';
import { todayIn } from '../lib/dates';
import { errorMessage, type MessageOverrides } from '../lib/errors';
import { PROVIDER_OF, choicesByGroup, chosenLanguage, isLanguageChoice, withChoice, type GroupKind } from '../lib/languages';
import { plural, searchTermsOf, sortFolders, type ShowFolder } from '../lib/library';
import { languageName } from '../lib/mediums';

const TVDB_HELP = 'TVDB is not configured on this server: set IMMERSION_TRACKER_TVDB_API_KEY and restart it.';
const TMDB_HELP =
  'Adding a movie watched elsewhere needs TMDB: set IMMERSION_TRACKER_TMDB_READ_ACCESS_TOKEN on the server and restart it.';

/** What a provider's 503 (not configured) and 502 (it failed) mean, for its searches and saves. */
const PROVIDER_MESSAGES: Record<'tvdb' | 'tmdb', MessageOverrides> = {
  tvdb: { 503: TVDB_HELP, 502: 'TVDB is not answering right now. Try again in a moment.' },
  tmdb: { 503: TMDB_HELP, 502: 'TMDB is not answering right now. Try again in a moment.' },
};

const MOVIES_FIRST = 24;
const GROUPS_FIRST = 20;

export function LibraryPage({ me }: { me: Me }) {
  const folders = useLoad(() => api.folders(), []);
  const progress = useLoad(() => api.progress(), []);
  const [tagging, setTagging] = useState<ShowFolder | null>(null);
  const [addingMovie, setAddingMovie] = useState(false);
  const [flash, setFlash] = useFlash(8000);
  // The user's language choices, once for the page; changed only by what PUT answers.
  const languages = useLoad((signal) => api.languages(signal), []);
  const [choosing, setChoosing] = useState<Group | null>(null);
  const choices = useMemo(() => (languages.data ? choicesByGroup(languages.data.languages) : null), [languages.data]);
  const chosenTags = useMemo(() => [...new Set(choices?.values() ?? [])], [choices]);
  /** A group's chosen tag, null for its provider's, undefined while the choices are unknown. */
  const languageOf = (kind: GroupKind, id: string): string | null | undefined => (choices ? chosenLanguage(choices, kind, id) : undefined);
  const languageProps = (group: Group) => ({
    group,
    language: languageOf(group.kind, group.id),
    loading: languages.loading && !languages.error,
  });
  const languageButton = (group: Group) => (
    <button
      type="button"
      class="btn"
      aria-label={`Language of ${group.name}`}
      data-action="choose-language"
      disabled={!choices}
      onClick={() => setChoosing(group)}
    >
      Language
    </button>
  );
  const sorted = useMemo(() => sortFolders(folders.data?.shows ?? []), [folders.data]);
  // Tagging moves a folder in the list, and moving a node loses its focus: put it back.
  const refocus = useRef<string | null>(null);
  useEffect(() => {
    const name = refocus.current;
    if (!name || !folders.data) return;
    refocus.current = null;
    const row = [...document.querySelectorAll<HTMLElement>('[data-folder]')].find((r) => r.dataset.folder === name);
    row?.querySelector('button')?.focus();
  }, [folders.data]);
  const untagged = sorted.filter((f) => f.tvdb_id === null).length;
  const movies = progress.data?.movies;

  return (
    <div class="page narrow-wide">
      <div class="page-head">
        <h1>Library</h1>
        <p class="muted">
          Your show folders, channels, podcasts and movies: what they are in TVDB and TMDB, and the language they count in.
        </p>
      </div>
      <Status tone="success">{flash}</Status>
      {languages.error ? (
        <div class="notice notice-error" role="alert">
          <AlertIcon />
          <p>Could not load the languages you chose for your shows, channels and podcasts: {errorMessage(languages.error)}</p>
          <button type="button" class="btn btn-small" onClick={languages.reload}>
            Retry
          </button>
        </div>
      ) : null}

      <section class="card" aria-labelledby="folders-h">
        <div class="card-head">
          <h2 id="folders-h">Show folders</h2>
          {folders.data && (
            <span class="muted num">
              {sorted.length} {sorted.length === 1 ? 'folder' : 'folders'}
              {untagged > 0 && ` · ${untagged} untagged`}
            </span>
          )}
        </div>
        {!me.providers.tvdb && <p class="notice notice-info">{TVDB_HELP}</p>}
        {untagged > 0 && me.providers.tvdb && (
          <p class="hint">
            Untagged folders count 20 minutes an episode. Tag them with their TVDB series for the real runtime, the name and the poster.
          </p>
        )}
        <PageError error={folders.error} onRetry={folders.reload} />
        {!folders.data ? (
          <ul class="folder-list" aria-busy="true">
            {[0, 1, 2].map((i) => (
              <li key={i} class="folder-row">
                <Skeleton height={60} width={40} />
                <Skeleton height={18} width="50%" />
              </li>
            ))}
          </ul>
        ) : sorted.length === 0 ? (
          <div class="empty-state">
            <p>
              <strong>No show folders yet.</strong>
            </p>
            <p class="muted">
              Folders appear here when the sync client sends their episodes: <code>shows/&lt;show&gt;/watched/…</code>.
            </p>
          </div>
        ) : (
          <ul class="folder-list">
            {sorted.map((f) => {
              const group: Group = { kind: 'show', id: f.folder_name, name: f.folder_name, untagged: f.tvdb_id === null };
              return (
                <li key={f.folder_name} class="folder-row" data-folder={f.folder_name}>
                  <Artwork name={f.tvdb_name ?? f.folder_name} url={f.tvdb_image} size="small" />
                  <div class="folder-text">
                    <span class="folder-name">{f.folder_name}</span>
                    {f.tvdb_id === null ? (
                      <span class="badge badge-warn">Untagged</span>
                    ) : (
                      <span class="muted folder-tag">
                        {f.tvdb_name ?? 'TVDB series'} <span class="num">· TVDB {f.tvdb_id}</span>
                      </span>
                    )}
                    <GroupLanguage {...languageProps(group)} />
                  </div>
                  <div class="folder-actions">
                    <button
                      type="button"
                      class={f.tvdb_id === null ? 'btn btn-primary' : 'btn'}
                      aria-label={f.tvdb_id === null ? `Tag ${f.folder_name}` : `Change tag of ${f.folder_name}`}
                      onClick={() => setTagging(f)}
                    >
                      {f.tvdb_id === null ? 'Tag' : 'Change'}
                    </button>
                    {languageButton(group)}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="groups-h">
        <div class="card-head">
          <h2 id="groups-h">Channels and podcasts</h2>
        </div>
        <PageError error={progress.error} onRetry={progress.reload} />
        {!progress.data ? (
          <Skeleton height={120} />
        ) : progress.data.youtube_channels.length + progress.data.spotify_shows.length === 0 ? (
          <p class="muted empty-line">No YouTube videos or Spotify episodes synced yet.</p>
        ) : (
          <>
            <GroupList
              title="YouTube channels"
              kind="channel"
              entries={channelEntries(progress.data)}
              empty="No YouTube videos synced yet."
              render={({ group, items, artwork }) => (
                <li key={group.id} class="folder-row" data-channel={group.id}>
                  <Artwork name={group.name} url={artwork} shape="square" size="small" />
                  <div class="folder-text">
                    <span class="folder-name">{group.name}</span>
                    <span class="muted folder-tag num">{plural(items, 'video', 'videos')}</span>
                    <GroupLanguage {...languageProps(group)} />
                  </div>
                  <div class="folder-actions">{languageButton(group)}</div>
                </li>
              )}
            />
            <GroupList
              title="Podcasts"
              kind="podcast"
              entries={podcastEntries(progress.data)}
              empty="No Spotify episodes synced yet."
              render={({ group, items, artwork }) => (
                <li key={group.id} class="folder-row" data-podcast={group.id}>
                  <Artwork name={group.name} url={artwork} shape="square" size="small" />
                  <div class="folder-text">
                    <span class="folder-name">{group.name}</span>
                    <span class="muted folder-tag num">{plural(items, 'episode', 'episodes')}</span>
                    <GroupLanguage {...languageProps(group)} />
                  </div>
                  <div class="folder-actions">{languageButton(group)}</div>
                </li>
              )}
            />
          </>
        )}
      </section>

      <section class="card" aria-labelledby="movies-h">
        <div class="card-head wrap">
          <h2 id="movies-h">Movies</h2>
          {me.providers.tmdb && (
            <button type="button" class="btn btn-primary" onClick={() => setAddingMovie(true)}>
              <PlusIcon />
              Add a movie watched elsewhere
            </button>
          )}
        </div>
        {!me.providers.tmdb && <p class="notice notice-info">{TMDB_HELP}</p>}
        <PageError error={progress.error} onRetry={progress.reload} />
        {!movies ? (
          <Skeleton height={120} />
        ) : movies.length === 0 ? (
          <p class="muted empty-line">
            No movies yet. The sync client sends the files in <code>movies/watched/</code>
            {me.providers.tmdb ? '; films seen elsewhere you can add here.' : '.'}
          </p>
        ) : (
          <TileList
            tiles={movies.map((m) => ({
              key: m.movie_id,
              name: m.name ?? 'Unknown movie',
              artwork: m.artwork_url,
              title: m.name ?? m.movie_id,
              data: { 'data-movie': m.movie_id },
            }))}
            first={MOVIES_FIRST}
          />
        )}
      </section>

      {tagging && (
        <TagDialog
          folder={tagging}
          configured={me.providers.tvdb}
          onClose={() => setTagging(null)}
          onSaved={(name) => {
            refocus.current = tagging.folder_name;
            setTagging(null);
            setFlash(`Tagged ${tagging.folder_name} as ${name}.`);
            folders.reload();
          }}
        />
      )}
      {choosing && (
        <LanguageDialog
          group={choosing}
          current={languageOf(choosing.kind, choosing.id) ?? null}
          also={[...chosenTags, me.language]}
          onClose={() => setChoosing(null)}
          onSaved={(answer) => {
            const group = choosing;
            setChoosing(null);
            // Only what the server answered is shown; an answer of another shape: ask again.
            if (!isLanguageChoice(answer) || answer.kind !== group.kind || answer.id !== group.id) {
              languages.reload();
              return;
            }
            languages.setData((old) => ({ languages: withChoice(old?.languages ?? [], answer) }));
            setFlash(
              answer.language
                ? `${group.name} counts in ${languageName(answer.language)} now.`
                : `${group.name} counts in ${PROVIDER_OF[group.kind]}'s language again.`,
            );
          }}
        />
      )}
      {addingMovie && (
        <AddMovieDialog
          me={me}
          onClose={() => setAddingMovie(false)}
          onAdded={(text) => {
            setAddingMovie(false);
            setFlash(text);
            progress.reload();
          }}
        />
      )}
    </div>
  );
}

interface GroupEntry {
  group: Group;
  items: number;
  artwork: string | null;
}

/** /progress's channels (most watched first), by channel id: what PUT /api/languages takes. */
function channelEntries(p: Progress): GroupEntry[] {
  return p.youtube_channels.flatMap((c) =>
    c.channel_id ? [{ group: { kind: 'channel', id: c.channel_id, name: c.channel_name ?? c.channel_id }, items: c.videos_watched, artwork: c.artwork_url }] : [],
  );
}

/** /progress's Spotify shows, by Spotify show id. */
function podcastEntries(p: Progress): GroupEntry[] {
  return p.spotify_shows.flatMap((s) =>
    s.show_id ? [{ group: { kind: 'podcast', id: s.show_id, name: s.show_name ?? s.show_id }, items: s.episodes_watched, artwork: s.artwork_url }] : [],
  );
}

/** A titled list of channels or podcasts: the first GROUPS_FIRST, then "See all N". */
function GroupList({
  title,
  kind,
  entries,
  empty,
  render,
}: {
  title: string;
  kind: GroupKind;
  entries: GroupEntry[];
  empty: string;
  render: (entry: GroupEntry) => ComponentChildren;
}) {
  const [all, setAll] = useState(false);
  const id = `${kind}-list`;
  const shown = all ? entries : entries.slice(0, GROUPS_FIRST);
  return (
    <div class="group-list" data-section={`${kind}s`}>
      <h3 id={`${id}-h`} class="group-list-title">
        {title} <span class="muted num">· {entries.length}</span>
      </h3>
      {entries.length === 0 ? (
        <p class="muted empty-line">{empty}</p>
      ) : (
        <ul class="folder-list" id={id} aria-labelledby={`${id}-h`}>
          {shown.map(render)}
        </ul>
      )}
      {entries.length > GROUPS_FIRST && (
        <button type="button" class="btn btn-ghost see-all" aria-expanded={all} aria-controls={id} onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `See all ${entries.length}`}
        </button>
      )}
    </div>
  );
}

/**
 * Debounced provider search. useLoad aborts the request of an older query and drops its
 * answer, so results never belong to anything but the latest query.
 */
function useSearch<T>(query: string, search: (q: string, signal: AbortSignal) => Promise<{ results: T[] }>, enabled: boolean) {
  const q = useDebounced(query.trim(), 300);
  const active = enabled && q !== '';
  const found = useLoad(
    async (signal) => (active ? { q, results: (await search(q, signal)).results } : null),
    [q, active],
  );
  const answer = active && found.data?.q === q ? found.data : null;
  return {
    results: answer && !found.error ? answer.results : null,
    error: active && !found.loading ? found.error : null,
    pending: (active && found.loading) || q !== query.trim(),
  };
}

function ResultList<T>({
  name,
  label,
  results,
  selected,
  onSelect,
  idOf,
  render,
}: {
  name: string;
  label: string;
  results: T[];
  selected: number | null;
  onSelect: (id: number) => void;
  idOf: (r: T) => number;
  render: (r: T) => { title: string; subtitle?: string; year: string; image: string | null; overview: string };
}) {
  return (
    <fieldset class="results">
      <legend class="sr-only">{label}</legend>
      {results.map((r) => {
        const id = idOf(r);
        const v = render(r);
        return (
          <label key={id} class={`result${selected === id ? ' result-selected' : ''}`}>
            <input type="radio" name={name} value={id} checked={selected === id} onChange={() => onSelect(id)} />
            <Artwork name={v.title} url={v.image} size="small" />
            <span class="result-text">
              <span class="result-title">
                {v.title}
                {v.year && <span class="muted num"> ({v.year})</span>}
              </span>
              {v.subtitle && <span class="result-sub muted">{v.subtitle}</span>}
              {v.overview && <span class="result-overview muted">{v.overview}</span>}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}

function TagDialog({
  folder,
  configured,
  onClose,
  onSaved,
}: {
  folder: ShowFolder;
  configured: boolean;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<number | null>(folder.tvdb_id);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState('');
  // Until the user types, suggest matches for the folder's name.
  const suggestion = searchTermsOf(folder.folder_name);
  const search = useSearch<TvdbResult>(query.trim() ? query : suggestion, api.searchTvdb, configured);

  const save = async (e: Event) => {
    e.preventDefault();
    if (selected === null) {
      setError('Choose a series first.');
      return;
    }
    setSaving(true);
    setError('');
    try {
      await api.tagFolder(folder.folder_name, selected);
      onSaved(search.results?.find((r) => r.tvdb_id === selected)?.name ?? `TVDB ${selected}`);
    } catch (err) {
      setError(
        errorMessage(err, {
          ...PROVIDER_MESSAGES.tvdb,
          404: 'This folder is not in your library any more.',
        }),
      );
      setSaving(false);
    }
  };

  return (
    <Dialog title={`Tag ${folder.folder_name}`} onClose={onClose} wide>
      {!configured ? (
        <>
          <p class="notice notice-info">{TVDB_HELP}</p>
          <div class="dialog-actions">
            <button type="button" class="btn" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={save} class="form">
          <div class="field">
            <label for="tvdb-query">Search TVDB series</label>
            <input
              id="tvdb-query"
              type="text"
              enterkeyhint="search"
              value={query}
              placeholder={suggestion}
              onInput={(e) => setQuery(e.currentTarget.value)}
              autocomplete="off"
            />
          </div>
          <p class="muted search-state" aria-live="polite">
            {search.pending
              ? 'Searching…'
              : search.results
                ? search.results.length === 0
                  ? 'No series found. Try the original title or fewer words.'
                  : `${search.results.length} series ${query.trim() ? 'found' : `match “${suggestion}”`}. Use the arrow keys to choose.`
                : ''}
          </p>
          {search.error ? <p class="notice notice-error">{errorMessage(search.error, PROVIDER_MESSAGES.tvdb)}</p> : null}
          {search.results && search.results.length > 0 && (
            <ResultList
              name="tvdb_id"
              label="TVDB series"
              results={search.results}
              selected={selected}
              onSelect={setSelected}
              idOf={(r) => r.tvdb_id}
              render={(r) => ({
                title: r.name,
                year: r.year ? String(r.year) : '',
                image: r.image_url,
                overview: r.overview ?? '',
                subtitle: `TVDB ${r.tvdb_id}`,
              })}
            />
          )}
          <Status tone="error">{error}</Status>
          <div class="dialog-actions">
            <button type="button" class="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" class="btn btn-primary" disabled={saving}>
              {saving ? 'Saving…' : 'Save tag'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function AddMovieDialog({ me, onClose, onAdded }: { me: Me; onClose: () => void; onAdded: (text: string) => void }) {
  const today = todayIn(me.time_zone, new Date(), me.day_start_hour);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const [date, setDate] = useState(today);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState('');
  const search = useSearch<TmdbResult>(query, api.searchTmdb, true);

  const save = async (e: Event) => {
    e.preventDefault();
    if (selected === null) return setError('Choose a movie first.');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return setError('Enter the day you watched it.');
    if (date > today) return setError('The day cannot be after today.');
    setSaving(true);
    setError('');
    try {
      const answer = await api.addMovie(selected, date);
      const picked = search.results?.find((r) => r.tmdb_id === selected);
      const name = answer.name ?? picked?.name ?? `TMDB ${selected}`;
      onAdded(answer.added ? `Added ${name}, watched on ${date}.` : `${name} is already in your list.`);
    } catch (err) {
      setError(errorMessage(err, PROVIDER_MESSAGES.tmdb));
      setSaving(false);
    }
  };

  return (
    <Dialog title="Add a movie watched elsewhere" onClose={onClose} wide>
      <form onSubmit={save} class="form">
        <div class="field">
          <label for="tmdb-query">Search TMDB</label>
          <input id="tmdb-query" type="text" enterkeyhint="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} autocomplete="off" placeholder="e.g. Your Name" />
        </div>
        <p class="muted search-state" aria-live="polite">
          {search.pending && query.trim()
            ? 'Searching…'
            : search.results
              ? search.results.length === 0
                ? 'No movie found.'
                : `${search.results.length} ${search.results.length === 1 ? 'movie' : 'movies'} found. Use the arrow keys to choose.`
              : ''}
        </p>
        {search.error ? <p class="notice notice-error">{errorMessage(search.error, PROVIDER_MESSAGES.tmdb)}</p> : null}
        {search.results && search.results.length > 0 && (
          <ResultList
            name="tmdb_id"
            label="TMDB movies"
            results={search.results}
            selected={selected}
            onSelect={setSelected}
            idOf={(r) => r.tmdb_id}
            render={(r) => ({
              title: r.name,
              year: r.year ? String(r.year) : '',
              image: r.image_url,
              overview: r.overview ?? '',
              subtitle: r.title && r.title !== r.name ? r.title : '',
            })}
          />
        )}
        <div class="field field-date">
          <label for="watched-on">Watched on</label>
          <input id="watched-on" type="date" value={date} max={today} min="1970-01-02" required onInput={(e) => setDate(e.currentTarget.value)} />
        </div>
        <Status tone="error">{error}</Status>
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={saving}>
            {saving ? 'Adding…' : 'Add movie'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
