// The language a show folder, YouTube channel or Spotify podcast counts in: the user's choices
// (GET /api/languages) by kind and id, what a PUT answer changes, and the dialog's field as the
// server takes it. Pure, no DOM.
import { languageTag } from './mediums';

export type GroupKind = 'show' | 'channel' | 'podcast';

export const GROUP_KINDS: readonly GroupKind[] = ['show', 'channel', 'podcast'];

/** One of the user's choices, as GET /api/languages lists them and PUT /api/languages answers. */
export interface LanguageChoice {
  kind: GroupKind;
  /** A show's folder name, a YouTube channel id, a Spotify show id. */
  id: string;
  /** A lower-cased tag; null (in a PUT and its answer): the providers' languages count again. */
  language: string | null;
}

/** Where "as the provider says" comes from, for each kind. */
export const PROVIDER_OF: Record<GroupKind, string> = { show: 'TVDB', channel: 'YouTube', podcast: 'Spotify' };

/** Whether `value` is a choice as the server writes one (a PUT answer is checked before it is shown). */
export function isLanguageChoice(value: unknown): value is LanguageChoice {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    GROUP_KINDS.includes(v.kind as GroupKind) &&
    typeof v.id === 'string' &&
    v.id !== '' &&
    (v.language === null || typeof v.language === 'string')
  );
}

const keyOf = (kind: GroupKind, id: string) => `${kind}:${id}`;

/** The chosen languages by kind and id, for chosenLanguage(); malformed entries are left out. */
export function choicesByGroup(list: readonly unknown[]): ReadonlyMap<string, string> {
  const byGroup = new Map<string, string>();
  for (const c of list) {
    if (isLanguageChoice(c) && c.language) byGroup.set(keyOf(c.kind, c.id), c.language.toLowerCase());
  }
  return byGroup;
}

/** The tag chosen for a group, or null when its provider's language counts. */
export function chosenLanguage(choices: ReadonlyMap<string, string>, kind: GroupKind, id: string | null | undefined): string | null {
  return id ? (choices.get(keyOf(kind, id)) ?? null) : null;
}

/**
 * The list after the server accepted `answer`: any older choice of that group replaced by it,
 * or gone when its language is null. Never changes `list`.
 */
export function withChoice(list: readonly LanguageChoice[], answer: LanguageChoice): LanguageChoice[] {
  const rest = list.filter((c) => !(c.kind === answer.kind && c.id === answer.id));
  return answer.language ? [...rest, { kind: answer.kind, id: answer.id, language: answer.language.toLowerCase() }] : rest;
}

export const LANGUAGE_HELP = 'A language is a code of two or three letters, such as ja, ko or es.';

/** The dialog's field as a PUT's language: "" is null (the provider's), else a lower-cased tag. */
export function parseLanguageInput(text: string): { language: string | null; error?: undefined } | { error: string } {
  if (text.trim() === '') return { language: null };
  const tag = languageTag(text);
  return tag === null ? { error: LANGUAGE_HELP } : { language: tag };
}
