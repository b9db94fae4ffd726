// Form fields shared by the Log page and Settings: a duration typed in words, a language.
import { useMemo, useState } from 'preact/hooks';
import { formatMinutes } from '../lib/activity';
import { DURATION_EXAMPLES, parseDuration } from '../lib/duration';
import { languageChoices } from '../lib/mediums';

/**
 * A text field for a duration ("45", "45m", "1h30m", "1:30"); below it, what it reads as, or
 * why it cannot be read. Not a live region: the text is read with the field, not at each key.
 */
export function DurationField({
  id,
  label,
  value,
  onInput,
  invalid,
  allowZero,
  emptyHint = `e.g. ${DURATION_EXAMPLES}`,
  zeroHint = 'none',
}: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  invalid?: boolean;
  allowZero?: boolean;
  emptyHint?: string;
  zeroHint?: string;
}) {
  const parsed = value.trim() ? parseDuration(value, { allowZero }) : null;
  const hint =
    parsed === null
      ? emptyHint
      : parsed.minutes === undefined
        ? parsed.error
        : parsed.minutes === 0
          ? zeroHint
          : `= ${formatMinutes(parsed.minutes)}`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="text"
        autocomplete="off"
        spellcheck={false}
        value={value}
        aria-invalid={invalid || undefined}
        aria-describedby={`${id}-hint`}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      <p id={`${id}-hint`} class={`field-hint num${parsed && parsed.error !== undefined ? ' field-hint-warn' : ''}`}>
        {hint}
      </p>
    </div>
  );
}

const OTHER = '*other*';

/**
 * A language: the common ones and `also` (the user's own) by name, "none", and another code
 * typed in. `value` is a tag, or "" for none.
 */
export function LanguageField({
  id,
  label,
  value,
  onChange,
  noneLabel,
  also = [],
  invalid,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  noneLabel: string;
  also?: readonly (string | null | undefined)[];
  invalid?: boolean;
  hint?: string;
}) {
  const [other, setOther] = useState(false);
  // While a code is being typed in, it is not offered as a choice yet.
  const offered = other ? also : [value, ...also];
  const choices = useMemo(
    () => languageChoices(offered),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [offered.join(',')],
  );
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={other ? OTHER : value}
        aria-invalid={(invalid && !other) || undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => {
          const v = e.currentTarget.value;
          if (v === OTHER) {
            setOther(true);
            onChange('');
            // Straight on to the code's field, which appears below.
            setTimeout(() => document.getElementById(`${id}-other`)?.focus(), 0);
          } else {
            setOther(false);
            onChange(v);
          }
        }}
      >
        <option value="">{noneLabel}</option>
        {choices.map((c) => (
          <option key={c.tag} value={c.tag}>
            {c.name === c.tag ? c.tag : `${c.name} (${c.tag})`}
          </option>
        ))}
        <option value={OTHER}>Another language…</option>
      </select>
      {other && (
        <>
          <label for={`${id}-other`} class="sub-label">
            Its code (two or three letters)
          </label>
          <input
            id={`${id}-other`}
            type="text"
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            maxLength={3}
            placeholder="e.g. yue"
            value={value}
            aria-invalid={invalid || undefined}
            onInput={(e) => onChange(e.currentTarget.value)}
          />
        </>
      )}
      {hint && (
        <p id={`${id}-hint`} class="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}
