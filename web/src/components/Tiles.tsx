// Artwork tiles with counts: the first few, then "See all" (the Immersion page's sections
// and the Library's movies).
import { useState } from 'preact/hooks';
import { hueOf, initials } from '../lib/library';

export interface Tile {
  key: string;
  name: string;
  artwork: string | null;
  /** "12 episodes"; omitted for movies. */
  count?: string;
  /** The name's tooltip, when not the name itself. */
  title?: string;
  /** data-* attributes of the tile, e.g. {"data-movie": id}. */
  data?: Record<`data-${string}`, string>;
}

let ids = 0;

export function Artwork({ name, url, shape = 'poster', size }: { name: string; url: string | null; shape?: 'poster' | 'square'; size?: 'small' }) {
  const [failed, setFailed] = useState(false);
  const cls = `art art-${shape}${size ? ` art-${size}` : ''}`;
  if (url && !failed) {
    return (
      <span class={cls}>
        <img src={url} alt="" loading="lazy" decoding="async" referrerpolicy="no-referrer" onError={() => setFailed(true)} />
      </span>
    );
  }
  return (
    <span class={`${cls} art-placeholder`} style={{ '--hue': hueOf(name) }} aria-hidden="true">
      <span>{initials(name)}</span>
    </span>
  );
}

/** The first `first` tiles, then a "See all N" toggle for the rest. */
export function TileList({ tiles, shape = 'poster', first = 8 }: { tiles: Tile[]; shape?: 'poster' | 'square'; first?: number }) {
  const [all, setAll] = useState(false);
  const [id] = useState(() => `tiles-${++ids}`);
  const shown = all ? tiles : tiles.slice(0, first);
  return (
    <>
      <ul class={`tiles tiles-${shape}`} id={id}>
        {shown.map((t) => (
          <li key={t.key} class="tile" {...t.data}>
            <Artwork name={t.name} url={t.artwork} shape={shape} />
            <span class="tile-name" title={t.title ?? t.name}>
              {t.name}
            </span>
            {t.count && <span class="tile-count num">{t.count}</span>}
          </li>
        ))}
      </ul>
      {tiles.length > first && (
        <button type="button" class="btn btn-ghost see-all" aria-expanded={all} aria-controls={id} onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `See all ${tiles.length}`}
        </button>
      )}
    </>
  );
}

export function TileSection({
  title,
  kind,
  tiles,
  summary,
  shape = 'poster',
  first = 8,
  empty,
}: {
  title: string;
  kind: string;
  tiles: Tile[];
  summary: string;
  shape?: 'poster' | 'square';
  first?: number;
  empty: string;
}) {
  const [id] = useState(() => `tile-section-${++ids}`);
  return (
    <section class="card tiles-card" aria-labelledby={`${id}-h`} data-section={kind}>
      <div class="card-head">
        <h2 id={`${id}-h`}>
          <span class={`dot dot-${kind}`} aria-hidden="true" />
          {title}
        </h2>
        <span class="muted num">{summary}</span>
      </div>
      {tiles.length === 0 ? <p class="muted empty-line">{empty}</p> : <TileList tiles={tiles} shape={shape} first={first} />}
    </section>
  );
}
