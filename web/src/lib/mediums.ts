// What a learner immersed in: the server's mediums (synced items count as tv, movie, youtube
// and podcast; manual logs may be any), amount units and language names. Pure, no DOM.

export type Unit = 'episodes' | 'pages' | 'characters' | 'chapters' | 'volumes';

export interface MediumInfo {
  medium: string;
  /** As the legend, the breakdown and the form's select show it. */
  label: string;
  group: 'Watching' | 'Listening' | 'Reading' | 'Playing and more';
  /** The unit the form suggests for an amount of this medium. */
  unit: Unit | null;
}

/** Every medium the server takes, in stacking order (bottom first); colours are --kind-<medium>. */
export const MEDIUMS: readonly MediumInfo[] = [
  { medium: 'tv', label: 'TV', group: 'Watching', unit: 'episodes' },
  { medium: 'anime', label: 'Anime', group: 'Watching', unit: 'episodes' },
  { medium: 'movie', label: 'Movies', group: 'Watching', unit: null },
  { medium: 'youtube', label: 'YouTube', group: 'Watching', unit: null },
  { medium: 'podcast', label: 'Podcasts', group: 'Listening', unit: 'episodes' },
  { medium: 'audiobook', label: 'Audiobooks', group: 'Listening', unit: 'chapters' },
  { medium: 'listening', label: 'Other listening', group: 'Listening', unit: null },
  { medium: 'book', label: 'Books', group: 'Reading', unit: 'pages' },
  { medium: 'manga', label: 'Manga', group: 'Reading', unit: 'chapters' },
  { medium: 'visual_novel', label: 'Visual novels', group: 'Reading', unit: 'characters' },
  { medium: 'reading', label: 'Other reading', group: 'Reading', unit: 'pages' },
  { medium: 'game', label: 'Games', group: 'Playing and more', unit: null },
  { medium: 'other', label: 'Other', group: 'Playing and more', unit: null },
];

/** The mediums the sync clients record (everything else comes from logs). */
export const SYNCED_MEDIUMS: readonly string[] = ['tv', 'movie', 'youtube', 'podcast'];

const byName = new Map(MEDIUMS.map((m) => [m.medium, m]));

/** A medium's facts; one the dashboard does not know yet gets its name as its label. */
export function mediumInfo(medium: string): MediumInfo {
  const known = byName.get(medium);
  if (known) return known;
  const words = medium.replace(/_/g, ' ');
  return { medium, label: words.charAt(0).toUpperCase() + words.slice(1), group: 'Playing and more', unit: null };
}

export const mediumLabel = (medium: string) => mediumInfo(medium).label;

/** The CSS class suffix of a medium's colour: unknown ones share "other"'s. */
export const mediumColor = (medium: string) => (byName.has(medium) ? medium : 'other');

/** Known mediums first in MEDIUMS order, then unknown ones by name. */
export function compareMediums(a: string, b: string): number {
  const ia = MEDIUMS.findIndex((m) => m.medium === a);
  const ib = MEDIUMS.findIndex((m) => m.medium === b);
  if (ia >= 0 && ib >= 0) return ia - ib;
  if (ia >= 0) return -1;
  if (ib >= 0) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export const UNITS: readonly { unit: Unit; one: string; many: string }[] = [
  { unit: 'episodes', one: 'episode', many: 'episodes' },
  { unit: 'pages', one: 'page', many: 'pages' },
  { unit: 'characters', one: 'character', many: 'characters' },
  { unit: 'chapters', one: 'chapter', many: 'chapters' },
  { unit: 'volumes', one: 'volume', many: 'volumes' },
];

export function isUnit(text: string): text is Unit {
  return UNITS.some((u) => u.unit === text);
}

/** "30 pages", "1 volume". */
export function formatAmount(amount: number, unit: string): string {
  const u = UNITS.find((x) => x.unit === unit);
  const word = u ? (amount === 1 ? u.one : u.many) : unit;
  return `${amount.toLocaleString('en')} ${word}`;
}

/** Languages a learner is likely to pick, offered first (with any the user already uses). */
export const COMMON_LANGUAGES: readonly string[] = [
  'ja', 'zh', 'ko', 'es', 'fr', 'de', 'it', 'pt', 'ru', 'en', 'ar', 'nl', 'sv', 'pl', 'tr', 'vi', 'th', 'id', 'hi', 'yue',
];

/** A language tag as the server takes it: two or three ASCII letters, lower-cased; null if not one. */
export function languageTag(text: string): string | null {
  const t = text.trim();
  return /^[A-Za-z]{2,3}$/.test(t) ? t.toLowerCase() : null;
}

let names: Intl.DisplayNames | null | undefined;

/** "ja" -> "Japanese"; null -> "Unknown"; a tag Intl cannot name stays as it is. */
export function languageName(tag: string | null): string {
  if (tag === null) return 'Unknown';
  if (names === undefined) {
    try {
      names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
    } catch {
      names = null;
    }
  }
  try {
    const name = names?.of(tag);
    if (name && name.toLowerCase() !== tag.toLowerCase()) return name;
  } catch {
    // Not a tag Intl accepts: show it as it is.
  }
  return tag;
}

/** The languages to offer, sorted by name: the common ones, plus `also` (the user's own). */
export function languageChoices(also: readonly (string | null | undefined)[] = []): { tag: string; name: string }[] {
  const tags = new Set(COMMON_LANGUAGES);
  for (const t of also) if (t) tags.add(t);
  return [...tags]
    .map((tag) => ({ tag, name: languageName(tag) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
}
