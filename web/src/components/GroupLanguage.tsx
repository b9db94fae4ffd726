// The language a show folder, YouTube channel or podcast counts in (the Library's rows) and
// the dialog that chooses it. Nothing is shown as chosen before the server has accepted it.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { ApiError, errorMessage } from '../lib/errors';
import { LANGUAGE_HELP, PROVIDER_OF, parseLanguageInput, type GroupKind, type LanguageChoice } from '../lib/languages';
import { languageName } from '../lib/mediums';
import { Dialog } from './Dialog';
import { Skeleton, Status } from './Feedback';
import { LanguageField } from './Fields';

/** A group whose language can be chosen: `id` is what PUT /api/languages takes. */
export interface Group {
  kind: GroupKind;
  id: string;
  name: string;
  /** A show folder without a TVDB series: its provider says nothing. */
  untagged?: boolean;
}

/**
 * One line: the chosen language (a badge with its tag, and its name), or where the language
 * comes from. `language` undefined: the choices are not loaded (`loading`) or failed to load.
 */
export function GroupLanguage({ group, language, loading }: { group: Group; language: string | null | undefined; loading: boolean }) {
  if (language === undefined) return loading ? <Skeleton height={14} width="9em" class="group-lang-skeleton" /> : null;
  if (language === null) {
    return (
      <span class="group-lang muted" data-language="">
        {group.untagged ? 'Language unknown until tagged' : `Language as ${PROVIDER_OF[group.kind]} says`}
      </span>
    );
  }
  return (
    <span class="group-lang" data-language={language}>
      <span class="sr-only">Language: </span>
      <span class="badge badge-lang" aria-hidden="true">
        {language}
      </span>
      {languageName(language)}
      <span class="muted"> · your choice</span>
    </span>
  );
}

const WHAT_COUNTS: Record<GroupKind, string> = {
  show: 'the original language of its TVDB series',
  channel: 'the audio language YouTube gives each video, when it gives one',
  podcast: 'the language Spotify gives the podcast',
};

/**
 * Chooses the language of `group`: a language, or its provider's (null). Saved only when the
 * server answers; its error is shown here and the dialog stays open.
 */
export function LanguageDialog({
  group,
  current,
  also,
  onClose,
  onSaved,
}: {
  group: Group;
  /** The chosen tag, or null. */
  current: string | null;
  /** Tags to offer besides the common ones (the user's other choices, their default). */
  also: readonly (string | null | undefined)[];
  onClose: () => void;
  onSaved: (answer: LanguageChoice, sent: string | null) => void;
}) {
  const [value, setValue] = useState(current ?? '');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState('');
  const [invalid, setInvalid] = useState(false);
  const provider = PROVIDER_OF[group.kind];
  const items = group.kind === 'channel' ? 'videos' : 'episodes';

  const send = async (language: string | null) => {
    setSaving(true);
    setError('');
    setInvalid(false);
    try {
      onSaved(await api.chooseLanguage(group.kind, group.id, language), language);
    } catch (err) {
      setInvalid(err instanceof ApiError && err.status === 400);
      setError(errorMessage(err));
      setSaving(false);
    }
  };

  const save = (e: Event) => {
    e.preventDefault();
    // "Another language…" with nothing typed yet is not a choice of the provider's.
    const typing = document.getElementById('group-language-other') !== null;
    const parsed = typing && value.trim() === '' ? { error: LANGUAGE_HELP } : parseLanguageInput(value);
    if (parsed.error !== undefined) {
      setInvalid(true);
      setError(parsed.error);
      document.getElementById('group-language-other')?.focus();
      return;
    }
    if (parsed.language === current) return onClose();
    void send(parsed.language);
  };

  return (
    <Dialog title={`Language of ${group.name}`} onClose={onClose}>
      <form class="form" onSubmit={save} noValidate>
        <p class="muted">
          Its {items}, past and future, count in the language you choose here. As {provider} says: {WHAT_COUNTS[group.kind]}
          {group.untagged ? ' (this folder is not tagged yet, so none).' : '.'}
        </p>
        <LanguageField
          id="group-language"
          label="Counts in"
          value={value}
          noneLabel={`As ${provider} says`}
          also={also}
          invalid={invalid}
          onChange={(v) => {
            setValue(v);
            setInvalid(false);
          }}
        />
        <Status tone="error">{error}</Status>
        <div class="dialog-actions">
          {current !== null && (
            <button type="button" class="btn dialog-action-start" disabled={saving} onClick={() => void send(null)} data-action="reset-language">
              Use {provider}'s language
            </button>
          )}
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={saving} data-action="save-language">
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
