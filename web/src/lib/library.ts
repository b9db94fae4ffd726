// Ordering and small helpers of the Library and tiles.

export interface ShowFolder {
  folder_name: string;
  tvdb_id: number | null;
  tvdb_name: string | null;
  tvdb_image: string | null;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Untagged folders first (they need the user's attention), then by folder name. */
export function sortFolders(folders: readonly ShowFolder[]): ShowFolder[] {
  return [...folders].sort((a, b) => {
    const ua = a.tvdb_id === null ? 0 : 1;
    const ub = b.tvdb_id === null ? 0 : 1;
    return ua - ub || compareNames(a.folder_name, b.folder_name);
  });
}

/** Up to two letters for an artwork placeholder: "Free!" -> "F", "The Office" -> "TO". */
export function initials(name: string): string {
  const words = name
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return name.trim().slice(0, 1) || '?';
  const letters = words.slice(0, 2).map((w) => Array.from(w)[0]!.toUpperCase());
  return letters.join('');
}

/** A stable hue for a placeholder tile, from its name. */
export function hueOf(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 360;
  return h;
}

/** A positive integer that fits the server's season/episode fields, or null. */
export function parsePositiveInt(text: string): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 && n <= 2_147_483_647 ? n : null;
}

export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** A folder name as search words: "[SubsPlease] Sousou no Frieren (2023) S2" -> "Sousou no Frieren". */
export function searchTermsOf(folder: string): string {
  const cleaned = folder
    .replace(/\[[^\]]*\]|\([^)]*\)|\{[^}]*\}/g, ' ')
    .replace(/\b(s\d{1,2}|season \d+|\d{3,4}p|x26[45]|hevc|bluray|web-?dl)\b/gi, ' ')
    .replace(/[._]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned || folder.trim();
}
