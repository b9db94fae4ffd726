// Exporting and importing a user's history (GET /api/export, POST /api/import): the file
// check made before sending and the sentences that describe an import.
import { plural } from './library';

/**
 * The largest file sent to POST /api/import. The server's own limit (max_import_bytes, 64 MiB by
 * default) may be lower: it answers 413.
 */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** What POST /api/import answers: what it added, and what it found there already. */
export interface ImportReport {
  items_added: number;
  items_present: number;
  logs_added: number;
  logs_present: number;
  tv_progress_updated: number;
  shows_tagged: number;
  language_choices: number;
}

/** Where the dashboard's links download the exports. */
export const EXPORT_JSON_URL = '/api/export';
export const EXPORT_CSV_URL = '/api/export?format=csv';

/** "812 bytes", "4.2 kB", "12.3 MB" (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  // Rounding may reach 1000 ("999.96 kB" -> "1000.0 kB"): go up a unit then.
  while (Number(value.toFixed(1)) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** The parts of a picked file the check reads (a File has them). */
export interface PickedFile {
  name: string;
  size: number;
  type: string;
}

/**
 * Why `file` cannot be imported, or null when it may be sent (the server checks the rest,
 * record by record, and names the first bad one).
 */
export function importFileProblem(file: PickedFile | null | undefined, max: number = MAX_IMPORT_BYTES): string | null {
  if (!file) return 'Choose the .json file of an export first.';
  if (/\.csv$/i.test(file.name) || file.type === 'text/csv') {
    return 'The CSV export cannot be imported: choose the JSON one (“Export everything”).';
  }
  if (file.size === 0) return `${file.name} is empty.`;
  if (file.size > max) {
    return `${file.name} is ${formatBytes(file.size)}; the server takes at most ${formatBytes(max)} (${max / (1024 * 1024)} MiB) at once.`;
  }
  return null;
}

/** "a", "a and b", "a, b and c". */
function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * One paragraph for the user: "Added 5 items and 1 log; 3 items were already there." Items
 * and logs first (what an import is for), then the TV progress, tags and language choices it
 * set, when it set any.
 */
export function importSummary(r: ImportReport): string {
  const added: string[] = [];
  if (r.items_added > 0) added.push(plural(r.items_added, 'item', 'items'));
  if (r.logs_added > 0) added.push(plural(r.logs_added, 'log', 'logs'));
  const present: string[] = [];
  if (r.items_present > 0) present.push(plural(r.items_present, 'item', 'items'));
  if (r.logs_present > 0) present.push(plural(r.logs_present, 'log', 'logs'));
  const presentCount = r.items_present + r.logs_present;
  const were = presentCount === 1 ? 'was' : 'were';

  let text: string;
  if (added.length > 0) {
    text = `Added ${joinAnd(added)}`;
    if (present.length > 0) text += `; ${joinAnd(present)} ${were} already there`;
    text += '.';
  } else if (present.length > 0) {
    text = `Nothing new: ${joinAnd(present)} ${were} already there.`;
  } else {
    text = 'The file had no items or logs.';
  }

  const also: string[] = [];
  if (r.tv_progress_updated > 0) also.push(`updated the progress of ${plural(r.tv_progress_updated, 'TV show', 'TV shows')}`);
  if (r.shows_tagged > 0) also.push(`tagged ${plural(r.shows_tagged, 'show folder', 'show folders')}`);
  if (r.language_choices > 0) also.push(`set ${plural(r.language_choices, 'language choice', 'language choices')}`);
  if (also.length > 0) text += ` It also ${joinAnd(also)}.`;
  return text;
}
