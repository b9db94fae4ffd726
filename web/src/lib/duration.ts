// How long, as a learner types it: "45", "45m", "1h30m", "1h 30", "1:30", "1.5h", "90 min",
// "1 hour 30 minutes", "1時間30分", full-width digits too. Pure, no DOM.

/** The most minutes one log (and a daily goal) may hold: a day. */
export const MAX_MINUTES = 24 * 60;

export type DurationResult = { minutes: number; error?: undefined } | { minutes?: undefined; error: string };

const HOURS = String.raw`(?:h|hr|hrs|hour|hours|時間)`;
const MINUTES = String.raw`(?:m|min|mins|minute|minutes|分)`;
// Hours (maybe with a decimal part), then minutes (a bare number after hours is minutes).
const SPOKEN = new RegExp(
  String.raw`^(?:(\d+(?:[.,]\d+)?)\s*${HOURS})?\s*(?:and\s*|,\s*)?(?:(\d+)\s*${MINUTES}?)?$`,
);
const CLOCK = /^(\d{1,2}):([0-5]\d)$/;

export const DURATION_EXAMPLES = '45, 45m, 1h30m or 1:30';

/**
 * Minutes from what was typed. `allowZero`: 0 (and nothing at all) is a valid answer, as for
 * "no daily goal".
 */
export function parseDuration(text: string, { allowZero = false }: { allowZero?: boolean } = {}): DurationResult {
  const t = text.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
  if (t === '') return allowZero ? { minutes: 0 } : { error: `Enter how long, e.g. ${DURATION_EXAMPLES}.` };
  let minutes: number | null = null;
  const clock = CLOCK.exec(t);
  if (clock) {
    minutes = Number(clock[1]) * 60 + Number(clock[2]);
  } else {
    const spoken = SPOKEN.exec(t);
    if (spoken && (spoken[1] !== undefined || spoken[2] !== undefined)) {
      const hours = spoken[1] === undefined ? 0 : Number(spoken[1].replace(',', '.'));
      minutes = Math.round(hours * 60) + (spoken[2] === undefined ? 0 : Number(spoken[2]));
    }
  }
  if (minutes === null || !Number.isFinite(minutes)) {
    return { error: `“${text.trim()}” is not a duration: write it like ${DURATION_EXAMPLES}.` };
  }
  if (minutes === 0 && allowZero) return { minutes: 0 };
  if (minutes < 1) return { error: 'The time must be at least 1 minute.' };
  if (minutes > MAX_MINUTES) return { error: `That is more than a day: at most 24 hours (${MAX_MINUTES} minutes).` };
  return { minutes };
}

/** Minutes as one would type them, and parseDuration reads back: "45m", "1h30m", "2h". */
export function formatDurationInput(minutes: number): string {
  if (minutes < 60) return `${minutes}m`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h}h` : `${h}h${m}m`;
}
