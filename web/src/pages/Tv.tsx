import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Me, type TvShow } from '../api';
import { PageError, Skeleton, Status } from '../components/Feedback';
import { PlusIcon } from '../components/Icons';
import { useLoad } from '../hooks';
import { timeAgo } from '../lib/dates';
import { errorMessage } from '../lib/errors';
import { compareNames, parsePositiveInt } from '../lib/library';

function nowStamp(): string {
  return new Date().toISOString().replace('Z', '');
}

export function TvPage({ me }: { me: Me }) {
  const list = useLoad(() => api.tvShows(me.username), [me.username]);
  const shows = list.data?.shows;
  const [status, setStatus] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [pending, setPending] = useState<Set<string>>(new Set());

  /** Optimistic: show the new position at once, put the old one back if the server says no. */
  const save = async (name: string, season: number, episode: number, what: string): Promise<boolean> => {
    const before = shows?.find((s) => s.tv_show === name);
    const next: TvShow = { tv_show: name, season, episode, last_updated: nowStamp() };
    list.setData((d) =>
      d && {
        ...d,
        shows: before
          ? d.shows.map((s) => (s.tv_show === name ? next : s))
          : [...d.shows, next].sort((a, b) => compareNames(a.tv_show, b.tv_show)),
      },
    );
    setPending((p) => new Set(p).add(name));
    setStatus(null);
    try {
      await api.updateEpisode(me.username, name, season, episode);
      setStatus({ tone: 'success', text: `${what}: ${name} is at season ${season}, episode ${episode}.` });
      return true;
    } catch (err) {
      list.setData((d) =>
        d && {
          ...d,
          shows: before ? d.shows.map((s) => (s.tv_show === name ? before : s)) : d.shows.filter((s) => s.tv_show !== name),
        },
      );
      setStatus({ tone: 'error', text: `Could not save ${name}: ${errorMessage(err)}` });
      return false;
    } finally {
      setPending((p) => {
        const n = new Set(p);
        n.delete(name);
        return n;
      });
    }
  };

  const visible = useMemo(() => {
    const f = filter.trim().toLocaleLowerCase();
    return (shows ?? []).filter((s) => !f || s.tv_show.toLocaleLowerCase().includes(f));
  }, [shows, filter]);

  return (
    <div class="page narrow-wide">
      <div class="page-head">
        <h1>TV progress</h1>
        <p class="muted">Where you are in each series. {shows && shows.length > 0 && `${shows.length} ${shows.length === 1 ? 'show' : 'shows'}.`}</p>
      </div>
      <PageError error={list.error} onRetry={list.reload} />
      {/* Two regions, as in Settings: one polite, one assertive; a region never changes role. */}
      <Status tone="success">{status?.tone === 'success' ? status.text : ''}</Status>
      <Status tone="error">{status?.tone === 'error' ? status.text : ''}</Status>
      <section class="card" aria-labelledby="shows-h">
        <div class="card-head wrap">
          <h2 id="shows-h">Your shows</h2>
          {shows && shows.length > 6 && (
            <div class="field field-inline">
              <label for="tv-filter">Filter</label>
              <input id="tv-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
            </div>
          )}
        </div>
        {!shows ? (
          <ul class="tv-list" aria-busy="true">
            {[0, 1, 2].map((i) => (
              <li key={i} class="tv-row">
                <Skeleton height={20} width="40%" />
                <Skeleton height={32} width="30%" />
              </li>
            ))}
          </ul>
        ) : shows.length === 0 ? (
          <div class="empty-state">
            <p>
              <strong>No shows yet.</strong>
            </p>
            <p class="muted">
              Add the series you are following below; then one click moves you on an episode or a season. Apps that speak the
              TV Show Tracker API (<code>/api/update_episode</code>) show up here too.
            </p>
          </div>
        ) : visible.length === 0 ? (
          <p class="muted empty-line">No show matches “{filter}”.</p>
        ) : (
          <ul class="tv-list">
            {visible.map((s) => (
              <TvRow
                key={s.tv_show}
                show={s}
                busy={pending.has(s.tv_show)}
                editing={editing === s.tv_show}
                onEdit={(on) => setEditing(on ? s.tv_show : null)}
                onSave={save}
              />
            ))}
          </ul>
        )}
      </section>
      {/* After the list: following the shows one has is what this page is for. */}
      <AddShow existing={shows ?? []} onAdd={(name, s, e) => save(name, s, e, 'Added')} />
    </div>
  );
}

function TvRow({
  show,
  busy,
  editing,
  onEdit,
  onSave,
}: {
  show: TvShow;
  busy: boolean;
  editing: boolean;
  onEdit: (on: boolean) => void;
  onSave: (name: string, season: number, episode: number, what: string) => Promise<boolean>;
}) {
  const name = show.tv_show;
  const row = useRef<HTMLLIElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(editing);
  // When the form closes, focus goes back to Edit, unless it has already gone somewhere else
  // (another row's form): the form's inputs are gone, so the focus would be lost to the page.
  useEffect(() => {
    if (wasEditing.current && !editing) {
      const active = document.activeElement;
      if (!active || active === document.body || !active.isConnected || row.current?.contains(active)) editButton.current?.focus();
    }
    wasEditing.current = editing;
  }, [editing]);
  // While a save runs the buttons stay focusable (aria-disabled, not disabled, which would
  // drop the focus to the page) and ignore clicks.
  const step = (season: number, episode: number, what: string) => {
    if (!busy) void onSave(name, season, episode, what);
  };
  return (
    <li class="tv-row" data-show={name} ref={row}>
      <div class="tv-main">
        <h3 class="tv-name">{name}</h3>
        <p class="tv-pos num">
          <span class="pill">
            Season <strong data-field="season">{show.season}</strong>
          </span>
          <span class="pill">
            Episode <strong data-field="episode">{show.episode}</strong>
          </span>
          <span class="muted tv-updated" title={show.last_updated ? `${show.last_updated} UTC` : undefined}>
            {timeAgo(show.last_updated)}
          </span>
        </p>
      </div>
      {editing ? (
        <EditForm show={show} onCancel={() => onEdit(false)} onSave={async (s, e) => (await onSave(name, s, e, 'Saved')) && onEdit(false)} />
      ) : (
        <div class="tv-actions">
          <button
            type="button"
            class="btn btn-primary"
            aria-label={`+1 episode of ${name}`}
            aria-disabled={busy}
            onClick={() => step(show.season, show.episode + 1, 'Next episode')}
          >
            +1 episode
          </button>
          <button
            type="button"
            class="btn"
            aria-label={`Next season of ${name}`}
            aria-disabled={busy}
            onClick={() => step(show.season + 1, 1, 'Next season')}
          >
            Next season
          </button>
          <button type="button" class="btn btn-ghost" aria-label={`Edit ${name}`} ref={editButton} onClick={() => onEdit(true)}>
            Edit
          </button>
        </div>
      )}
    </li>
  );
}

function EditForm({ show, onCancel, onSave }: { show: TvShow; onCancel: () => void; onSave: (season: number, episode: number) => void }) {
  const [season, setSeason] = useState(String(show.season));
  const [episode, setEpisode] = useState(String(show.episode));
  const [error, setError] = useState('');
  const id = `edit-${show.tv_show.replace(/[^A-Za-z0-9]/g, '_')}`;
  // Preact does not act on autofocus for an element added after the page loaded.
  const seasonInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    seasonInput.current?.focus();
    seasonInput.current?.select();
  }, []);
  const submit = (e: Event) => {
    e.preventDefault();
    const s = parsePositiveInt(season);
    const ep = parsePositiveInt(episode);
    if (s === null || ep === null) {
      setError('Season and episode must be whole numbers from 1.');
      return;
    }
    setError('');
    onSave(s, ep);
  };
  return (
    <form class="tv-edit" onSubmit={submit} aria-label={`Edit ${show.tv_show}`} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div class="field field-small">
        <label for={`${id}-s`}>Season</label>
        <input
          id={`${id}-s`}
          inputMode="numeric"
          pattern="[0-9]*"
          value={season}
          onInput={(e) => setSeason(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-err`}
          ref={seasonInput}
        />
      </div>
      <div class="field field-small">
        <label for={`${id}-e`}>Episode</label>
        <input
          id={`${id}-e`}
          inputMode="numeric"
          pattern="[0-9]*"
          value={episode}
          onInput={(e) => setEpisode(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-err`}
        />
      </div>
      <div class="tv-edit-actions">
        <button type="submit" class="btn btn-primary">
          Save
        </button>
        <button type="button" class="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <p id={`${id}-err`} class="field-error" role="alert">
        {error}
      </p>
    </form>
  );
}

function AddShow({ existing, onAdd }: { existing: TvShow[]; onAdd: (name: string, season: number, episode: number) => Promise<boolean> }) {
  const [name, setName] = useState('');
  const [season, setSeason] = useState('1');
  const [episode, setEpisode] = useState('1');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const exists = existing.some((s) => s.tv_show === name.trim());
  const submit = async (e: Event) => {
    e.preventDefault();
    const n = name.trim();
    const s = parsePositiveInt(season);
    const ep = parsePositiveInt(episode);
    if (!n) return setError('Enter the name of the show.');
    if (new TextEncoder().encode(n).length > 512) return setError('The name is too long (at most 512 bytes).');
    if (s === null || ep === null) return setError('Season and episode must be whole numbers from 1.');
    setError('');
    setBusy(true);
    const ok = await onAdd(n, s, ep);
    setBusy(false);
    if (ok) {
      setName('');
      setSeason('1');
      setEpisode('1');
    }
  };
  return (
    <section class="card" aria-labelledby="add-show-h">
      <h2 id="add-show-h" class="card-title">
        Add a show
      </h2>
      <form class="add-show" onSubmit={submit}>
        <div class="field grow">
          <label for="add-name">Show</label>
          <input id="add-name" name="tv_show" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="e.g. Frieren" />
        </div>
        <div class="field field-small">
          <label for="add-season">Season</label>
          <input id="add-season" inputMode="numeric" pattern="[0-9]*" value={season} onInput={(e) => setSeason(e.currentTarget.value)} />
        </div>
        <div class="field field-small">
          <label for="add-episode">Episode</label>
          <input id="add-episode" inputMode="numeric" pattern="[0-9]*" value={episode} onInput={(e) => setEpisode(e.currentTarget.value)} />
        </div>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          <PlusIcon />
          {exists ? 'Update show' : 'Add show'}
        </button>
      </form>
      {exists && <p class="hint">You already track this show: adding it again sets its position.</p>}
      <p class="field-error" role="alert">
        {error}
      </p>
    </section>
  );
}
