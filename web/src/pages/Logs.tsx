// Logging immersion by hand (a book, manga, a podcast, a film at the cinema) and the list of
// logs: newest first, "Load more" by cursor, edit, delete, and undo of the last one added.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Me } from '../api';
import { ConfirmDialog, Dialog } from '../components/Dialog';
import { ErrorNotice, PageError, Skeleton, Status } from '../components/Feedback';
import { DurationField, LanguageField } from '../components/Fields';
import { useLoad } from '../hooks';
import { formatMinutes } from '../lib/activity';
import { formatShortDay, todayIn } from '../lib/dates';
import { formatDurationInput } from '../lib/duration';
import { ApiError, errorMessage } from '../lib/errors';
import {
  appendPage,
  dayHeading,
  draftOf,
  fieldOfError,
  groupByDay,
  logFromDraft,
  logPatch,
  newIdempotencyKey,
  newLogBody,
  placeLog,
  type ImmersionLog,
  type LogDraft,
  type LogField,
} from '../lib/logs';
import { MEDIUMS, UNITS, formatAmount, languageName, mediumColor, mediumInfo, mediumLabel } from '../lib/mediums';
import { onLinkClick } from '../lib/router';
import { ROUTES } from '../routes';

const PAGE_SIZE = 50;
const QUICK_DURATIONS = [15, 30, 45, 60, 120];
const GROUPS = [...new Set(MEDIUMS.map((m) => m.group))];

/** What a log is called in buttons and messages: its title, else its medium, with time and day. */
function logName(log: ImmersionLog): string {
  return `${log.title ?? mediumLabel(log.medium)}, ${formatMinutes(log.minutes)} on ${formatShortDay(log.date)}`;
}

export function LogsPage({ me }: { me: Me }) {
  const today = todayIn(me.time_zone, new Date(), me.day_start_hour);
  const first = useLoad((signal) => api.logs({ limit: PAGE_SIZE }, signal), []);
  // The list as shown: the first page, then what "Load more" brought, with the changes made here.
  const [logs, setLogs] = useState<ImmersionLog[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const [last, setLast] = useState<ImmersionLog | null>(null);
  const [editing, setEditing] = useState<ImmersionLog | null>(null);
  const [deleting, setDeleting] = useState<ImmersionLog | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const [listFlash, setListFlash] = useState('');

  useEffect(() => {
    if (!first.data) return;
    setLogs(first.data.logs);
    setCursor(first.data.next_cursor ?? null);
    setMoreError(null);
  }, [first.data]);

  const place = (log: ImmersionLog) => setLogs((l) => (l ? placeLog(l, log, cursor === null) : l));
  const drop = (id: string) => {
    setLogs((l) => (l ? l.filter((x) => x.id !== id) : l));
    setLast((x) => (x?.id === id ? null : x));
  };

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api.logs({ limit: PAGE_SIZE, cursor });
      setLogs((l) => appendPage(l ?? [], page.logs));
      setCursor(page.next_cursor ?? null);
    } catch (err) {
      setMoreError(err);
    } finally {
      setLoadingMore(false);
    }
  };

  const remove = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await api.deleteLog(deleting.id);
      drop(deleting.id);
      setListFlash(`Deleted ${logName(deleting)}.`);
      setDeleting(null);
    } catch (err) {
      // Already gone (deleted elsewhere): what was asked for is done.
      if (err instanceof ApiError && err.status === 404) {
        drop(deleting.id);
        setDeleting(null);
      } else {
        setDeleteError(err);
      }
    } finally {
      setDeleteBusy(false);
    }
  };

  const groups = logs ? groupByDay(logs) : [];
  return (
    <div class="page narrow-wide">
      <div class="page-head">
        <h1>Log immersion</h1>
        <p class="muted">
          Books, manga, podcasts, a film at the cinema: whatever the sync client cannot see. Logs count towards your{' '}
          <a href={ROUTES.immersion} onClick={onLinkClick}>
            totals, streak and goal
          </a>
          .
        </p>
      </div>
      <NewLog
        me={me}
        today={today}
        latestMedium={logs ? (logs[0]?.medium ?? null) : undefined}
        knownLanguages={logs?.map((l) => l.language) ?? []}
        last={last}
        onAdded={(log) => {
          place(log);
          setLast(log);
          setListFlash('');
        }}
        onUndone={(log) => drop(log.id)}
      />
      <section class="card" aria-labelledby="logs-h">
        <div class="card-head">
          <h2 id="logs-h" tabIndex={-1}>
            Your logs
          </h2>
          {logs && logs.length > 0 && (
            <span class="muted num" data-stat="logs-shown" data-value={logs.length}>
              {logs.length}
              {cursor ? '+' : ''} shown
            </span>
          )}
        </div>
        <PageError error={first.error} onRetry={first.reload} />
        <Status tone="success">{listFlash}</Status>
        {!logs ? (
          first.error ? null : (
            <div aria-busy="true">
              <Skeleton height={56} />
              <Skeleton height={56} class="skeleton-gap" />
            </div>
          )
        ) : logs.length === 0 ? (
          <p class="muted empty-line">No logs yet. Add what you read, heard or played above: it is counted with what you sync.</p>
        ) : (
          groups.map((g) => (
            <div class="log-day" key={g.date}>
              <h3 class="log-day-h">
                <time dateTime={g.date}>{dayHeading(g.date, today)}</time>
              </h3>
              <ul class="plain-list">
                {g.logs.map((log) => (
                  <LogRow key={log.id} log={log} onEdit={() => setEditing(log)} onDelete={() => setDeleting(log)} />
                ))}
              </ul>
            </div>
          ))
        )}
        {cursor && logs && (
          <div class="form-actions load-more">
            <button type="button" class="btn" onClick={loadMore} disabled={loadingMore} data-action="load-more-logs">
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
        <ErrorNotice error={moreError} onRetry={loadMore} />
      </section>
      {editing && (
        <EditLogDialog
          log={editing}
          me={me}
          today={today}
          knownLanguages={logs?.map((l) => l.language) ?? []}
          onClose={() => setEditing(null)}
          onSaved={(log) => {
            place(log);
            if (last?.id === log.id) setLast(log);
            setListFlash(`Saved ${logName(log)}.`);
            setEditing(null);
            // Back to the log's Edit button, also when the log moved to another day's group (a
            // new button); after the dialog has given focus back to where it was opened.
            setTimeout(() => document.querySelector<HTMLElement>(`[data-log="${log.id}"] [data-action="edit-log"]`)?.focus(), 0);
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this log?"
          message={
            <p>
              <strong>{deleting.title ?? mediumLabel(deleting.medium)}</strong>: {formatMinutes(deleting.minutes)} of{' '}
              {mediumLabel(deleting.medium)} on {formatShortDay(deleting.date)}. It will no longer count towards your totals.
            </p>
          }
          confirmLabel="Delete log"
          busy={deleteBusy}
          fallbackFocus={() => document.getElementById('logs-h')}
          error={<ErrorNotice error={deleteError} />}
          onConfirm={remove}
          onClose={() => {
            setDeleting(null);
            setDeleteError(null);
          }}
        />
      )}
    </div>
  );
}

function LogRow({ log, onEdit, onDelete }: { log: ImmersionLog; onEdit: () => void; onDelete: () => void }) {
  const name = logName(log);
  return (
    <li class="log-row" data-log={log.id}>
      <span class={`dot dot-${mediumColor(log.medium)}`} aria-hidden="true" />
      <div class="log-main">
        <p class="log-title">{log.title ?? mediumLabel(log.medium)}</p>
        <p class="log-meta muted num">
          {mediumLabel(log.medium)} · <span data-field="minutes">{formatMinutes(log.minutes)}</span>
          {log.amount !== null && log.unit !== null && <> · {formatAmount(log.amount, log.unit)}</>}
          {log.language !== null && <> · {languageName(log.language)}</>}
        </p>
        {log.note && <p class="log-note">{log.note}</p>}
      </div>
      <div class="log-actions">
        <button type="button" class="btn btn-ghost btn-small" aria-label={`Edit ${name}`} data-action="edit-log" onClick={onEdit}>
          Edit
        </button>
        <button
          type="button"
          class="btn btn-ghost btn-small btn-danger-text"
          aria-label={`Delete ${name}`}
          data-action="delete-log"
          onClick={onDelete}
        >
          Delete
        </button>
      </div>
    </li>
  );
}

function blankDraft(medium: string, language: string | null, date: string): LogDraft {
  return { medium, duration: '', title: '', amount: '', unit: mediumInfo(medium).unit ?? '', language: language ?? '', date, note: '' };
}

function NewLog({
  me,
  today,
  latestMedium,
  knownLanguages,
  last,
  onAdded,
  onUndone,
}: {
  me: Me;
  today: string;
  /** undefined while the list loads; null when there is no log. */
  latestMedium: string | null | undefined;
  knownLanguages: (string | null)[];
  last: ImmersionLog | null;
  onAdded: (log: ImmersionLog) => void;
  onUndone: (log: ImmersionLog) => void;
}) {
  const [draft, setDraft] = useState<LogDraft>(() => blankDraft('book', me.language, today));
  const touched = useRef(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [invalid, setInvalid] = useState<LogField | null>(null);
  const [done, setDone] = useState('');
  const [undoing, setUndoing] = useState(false);
  const [undoable, setUndoable] = useState(false);
  // One key per submission: a retry of the same form (after a network error) reuses it, so
  // the server records it once; any change to the form is a new submission.
  const key = useRef<{ body: string; key: string } | null>(null);

  // Once the list has loaded, an untouched form starts on the medium logged last (only then:
  // later changes to the list do not move the form under the user's hands).
  const started = useRef(false);
  useEffect(() => {
    if (latestMedium === undefined || started.current) return;
    started.current = true;
    if (latestMedium && !touched.current) setDraft((d) => ({ ...d, medium: latestMedium, unit: mediumInfo(latestMedium).unit ?? '' }));
  }, [latestMedium]);

  const update = (change: Partial<LogDraft>) => {
    touched.current = true;
    setDraft((d) => ({ ...d, ...change }));
    if (invalid && Object.keys(change).some((k) => k === invalid || (k === 'duration' && invalid === 'minutes'))) setInvalid(null);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setDone('');
    setUndoable(false);
    const checked = logFromDraft(draft, today);
    if (checked.error !== undefined) {
      setError(checked.error);
      setInvalid(checked.field);
      focusField('new-log', checked.field);
      return;
    }
    const body = newLogBody(checked.fields);
    const text = JSON.stringify(body);
    if (key.current?.body !== text) key.current = { body: text, key: newIdempotencyKey() };
    setBusy(true);
    setError('');
    setInvalid(null);
    try {
      const log = await api.addLog(body, key.current.key);
      key.current = null;
      // The medium, unit, language and day stay: the next log is often alike.
      setDraft((d) => ({ ...d, duration: '', title: '', amount: '', note: '' }));
      setDone(
        `Logged ${formatMinutes(log.minutes)} of ${mediumLabel(log.medium)}${log.title ? ` (${log.title})` : ''}${
          log.date === today ? ' today' : ` on ${formatShortDay(log.date)}`
        }.`,
      );
      setUndoable(true);
      onAdded(log);
    } catch (err) {
      setError(errorMessage(err));
      const field = err instanceof ApiError ? fieldOfError(err.serverMessage) : null;
      setInvalid(field);
      if (field) focusField('new-log', field);
    } finally {
      setBusy(false);
    }
  };

  const undo = async () => {
    if (!last) return;
    setUndoing(true);
    setError('');
    try {
      await api.deleteLog(last.id);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) {
        setError(`Could not undo: ${errorMessage(err)}`);
        setUndoing(false);
        return;
      }
    }
    setUndoing(false);
    setUndoable(false);
    setDone(`Removed the log of ${formatMinutes(last.minutes)} of ${mediumLabel(last.medium)}.`);
    onUndone(last);
    // The Undo button goes: keep the keyboard in the form.
    document.getElementById('new-log-minutes')?.focus();
  };

  return (
    <section class="card" aria-labelledby="new-log-h">
      <h2 id="new-log-h" class="card-title">
        New log
      </h2>
      <form class="form" onSubmit={submit} noValidate>
        <LogFields
          prefix="new-log"
          draft={draft}
          update={update}
          invalid={invalid}
          today={today}
          knownLanguages={[me.language, ...knownLanguages]}
          noneLabel={me.language ? 'None' : 'None (no default set)'}
          quick
        />
        <Status tone="error">{error}</Status>
        <div class="undo-bar">
          <Status tone="success">{done}</Status>
          {last && undoable && (
            <button type="button" class="btn btn-small" aria-label="Undo last log" data-action="undo-log" disabled={undoing} onClick={undo}>
              {undoing ? 'Undoing…' : 'Undo'}
            </button>
          )}
        </div>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy} data-action="add-log">
            {busy ? 'Adding…' : 'Add log'}
          </button>
        </div>
      </form>
    </section>
  );
}

function focusField(prefix: string, field: LogField) {
  const id = field === 'language' ? `${prefix}-language` : `${prefix}-${field}`;
  // A language typed as a code has its own field.
  const el = document.getElementById(field === 'language' ? `${id}-other` : id) ?? document.getElementById(id);
  el?.focus();
}

/** The fields of a log, for the new-log form and the edit dialog. Ids are `${prefix}-${field}`. */
function LogFields({
  prefix,
  draft,
  update,
  invalid,
  today,
  knownLanguages,
  noneLabel,
  quick,
}: {
  prefix: string;
  draft: LogDraft;
  update: (change: Partial<LogDraft>) => void;
  invalid: LogField | null;
  today: string;
  knownLanguages: (string | null)[];
  noneLabel: string;
  quick?: boolean;
}) {
  const id = (field: string) => `${prefix}-${field}`;
  const bad = (field: LogField) => (invalid === field ? true : undefined);
  const setMedium = (medium: string) => {
    // The unit follows the medium unless one was chosen by hand.
    const suggested = mediumInfo(draft.medium).unit ?? '';
    const unit = draft.unit === suggested || draft.unit === '' ? (mediumInfo(medium).unit ?? '') : draft.unit;
    update({ medium, unit });
  };
  return (
    <>
      <div class="field-row">
        <div class="field">
          <label for={id('medium')}>Medium</label>
          <select id={id('medium')} value={draft.medium} aria-invalid={bad('medium')} onChange={(e) => setMedium(e.currentTarget.value)}>
            {GROUPS.map((group) => (
              <optgroup key={group} label={group}>
                {MEDIUMS.filter((m) => m.group === group).map((m) => (
                  <option key={m.medium} value={m.medium}>
                    {m.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div class="duration-group">
          <DurationField id={id('minutes')} label="Time" value={draft.duration} invalid={invalid === 'minutes'} onInput={(duration) => update({ duration })} />
          {quick && (
            <div class="chips" role="group" aria-label="Quick times">
              {QUICK_DURATIONS.map((m) => (
                <button
                  type="button"
                  key={m}
                  class="chip num"
                  aria-pressed={draft.duration === formatDurationInput(m)}
                  onClick={() => update({ duration: formatDurationInput(m) })}
                >
                  {formatDurationInput(m)}
                </button>
              ))}
            </div>
          )}
        </div>
      </div>
      <div class="field">
        <label for={id('title')}>
          Title <span class="optional">(optional)</span>
        </label>
        <input
          id={id('title')}
          type="text"
          autocomplete="off"
          value={draft.title}
          placeholder="e.g. よつばと! 3"
          aria-invalid={bad('title')}
          onInput={(e) => update({ title: e.currentTarget.value })}
        />
      </div>
      <div class="field-row">
        <fieldset class="field amount-field">
          <legend>
            Amount <span class="optional">(optional)</span>
          </legend>
          <div class="amount-row">
            <label for={id('amount')} class="sr-only">
              How many
            </label>
            <input
              id={id('amount')}
              type="text"
              inputMode="numeric"
              autocomplete="off"
              value={draft.amount}
              placeholder="e.g. 30"
              aria-invalid={bad('amount')}
              onInput={(e) => update({ amount: e.currentTarget.value })}
            />
            <label for={id('unit')} class="sr-only">
              Unit
            </label>
            <select id={id('unit')} value={draft.unit} aria-invalid={bad('unit')} onChange={(e) => update({ unit: e.currentTarget.value })}>
              <option value="">unit…</option>
              {UNITS.map((u) => (
                <option key={u.unit} value={u.unit}>
                  {u.many}
                </option>
              ))}
            </select>
          </div>
        </fieldset>
        <LanguageField
          id={id('language')}
          label="Language"
          value={draft.language}
          noneLabel={noneLabel}
          also={knownLanguages}
          invalid={invalid === 'language'}
          onChange={(language) => update({ language })}
        />
        <div class="field">
          <label for={id('date')}>Day</label>
          <input
            id={id('date')}
            type="date"
            value={draft.date}
            max={today}
            min="1970-01-02"
            aria-invalid={bad('date')}
            onInput={(e) => update({ date: e.currentTarget.value })}
          />
        </div>
      </div>
      <div class="field">
        <label for={id('note')}>
          Note <span class="optional">(optional)</span>
        </label>
        <textarea id={id('note')} rows={2} value={draft.note} aria-invalid={bad('note')} onInput={(e) => update({ note: e.currentTarget.value })} />
      </div>
    </>
  );
}

function EditLogDialog({
  log,
  me,
  today,
  knownLanguages,
  onClose,
  onSaved,
}: {
  log: ImmersionLog;
  me: Me;
  today: string;
  knownLanguages: (string | null)[];
  onClose: () => void;
  onSaved: (log: ImmersionLog) => void;
}) {
  const [draft, setDraft] = useState<LogDraft>(() => draftOf(log, formatDurationInput));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [invalid, setInvalid] = useState<LogField | null>(null);
  const update = (change: Partial<LogDraft>) => setDraft((d) => ({ ...d, ...change }));

  const save = async (e: Event) => {
    e.preventDefault();
    const checked = logFromDraft(draft, today);
    if (checked.error !== undefined) {
      setError(checked.error);
      setInvalid(checked.field);
      focusField('edit-log', checked.field);
      return;
    }
    const patch = logPatch(log, checked.fields);
    if (Object.keys(patch).length === 0) return onClose();
    setBusy(true);
    setError('');
    setInvalid(null);
    try {
      onSaved(await api.changeLog(log.id, patch));
    } catch (err) {
      setError(errorMessage(err, { 404: 'This log is gone: it was deleted elsewhere.' }));
      const field = err instanceof ApiError ? fieldOfError(err.serverMessage) : null;
      setInvalid(field);
      setBusy(false);
    }
  };

  return (
    <Dialog title="Edit log" onClose={onClose} wide fallbackFocus={() => document.getElementById('logs-h')}>
      <form class="form" onSubmit={save} noValidate>
        <LogFields
          prefix="edit-log"
          draft={draft}
          update={update}
          invalid={invalid}
          today={today}
          knownLanguages={[me.language, log.language, ...knownLanguages]}
          noneLabel="None"
        />
        <Status tone="error">{error}</Status>
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy} data-action="save-log">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
