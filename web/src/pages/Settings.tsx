import { useMemo, useRef, useState } from 'preact/hooks';
import { api, type ApiToken, type Me, type Settings, type User } from '../api';
import { ConfirmDialog } from '../components/Dialog';
import { ErrorNotice, PageError, Skeleton, Status } from '../components/Feedback';
import { DurationField, LanguageField } from '../components/Fields';
import { DownloadIcon, SignOutIcon, UploadIcon } from '../components/Icons';
import { useFlash, useLoad } from '../hooks';
import { formatMinutes } from '../lib/activity';
import { formatServerDate, isKnownTimeZone, todayIn } from '../lib/dates';
import { formatDurationInput, parseDuration } from '../lib/duration';
import { ApiError, errorMessage } from '../lib/errors';
import { languageName, languageTag } from '../lib/mediums';
import { EXPORT_CSV_URL, EXPORT_JSON_URL, formatBytes, importFileProblem, importSummary } from '../lib/transfer';

export function SettingsPage({ me, onMeChange, onSignOut }: { me: Me; onMeChange: (me: Me) => void; onSignOut: () => void }) {
  // An import sets the settings to the file's: the forms start again from the new ones.
  const [imports, setImports] = useState(0);
  const afterImport = async () => {
    try {
      onMeChange(await api.me());
    } catch {
      // The import is done; the settings on screen are the old ones until the next load.
    }
    setImports((n) => n + 1);
  };
  return (
    <div class="page narrow">
      <div class="page-head">
        <h1>Settings</h1>
        <p class="muted">
          Signed in as <strong>{me.username}</strong>
          {me.is_admin && <span class="badge">admin</span>}
        </p>
      </div>
      <Learning key={`learning-${imports}`} me={me} onMeChange={onMeChange} />
      <TimeZone key={`tz-${imports}`} me={me} onMeChange={onMeChange} />
      <Password username={me.username} />
      <Tokens me={me} />
      <YourData onImported={afterImport} />
      {me.is_admin && <Users me={me} />}
      <section class="card" aria-labelledby="session-h">
        <h2 id="session-h" class="card-title">
          Session
        </h2>
        <p class="muted">Sign out of this browser. Your tokens and other sessions keep working.</p>
        <button type="button" class="btn" onClick={onSignOut}>
          <SignOutIcon />
          Sign out of this browser
        </button>
      </section>
    </div>
  );
}

/** "00:00 (midnight)", "04:00". */
function hourLabel(hour: number): string {
  const text = `${String(hour).padStart(2, '0')}:00`;
  return hour === 0 ? `${text} (midnight)` : text;
}

function Learning({ me, onMeChange }: { me: Me; onMeChange: (me: Me) => void }) {
  const [language, setLanguage] = useState(me.language ?? '');
  const [goal, setGoal] = useState(me.daily_goal_minutes > 0 ? formatDurationInput(me.daily_goal_minutes) : '');
  const [dayStart, setDayStart] = useState(me.day_start_hour);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [invalid, setInvalid] = useState<'language' | 'goal' | null>(null);
  const [flash, setFlash] = useFlash(8000);

  const save = async (e: Event) => {
    e.preventDefault();
    setError('');
    setInvalid(null);
    setFlash('');
    const tag = language.trim() === '' ? null : languageTag(language);
    if (language.trim() !== '' && tag === null) {
      setInvalid('language');
      return setError('A language is a code of two or three letters, such as ja, ko or es.');
    }
    const minutes = parseDuration(goal, { allowZero: true });
    if (minutes.error !== undefined) {
      setInvalid('goal');
      document.getElementById('goal-minutes')?.focus();
      return setError(minutes.error);
    }
    // Each setting has its own PUT; only what changed is sent, in order, and each answer
    // (all the settings) is kept as it comes, so a failure half-way loses nothing saved.
    const steps: { put: () => Promise<Settings>; said: string; field: 'language' | 'goal' | null }[] = [];
    if (tag !== me.language) {
      steps.push({ put: () => api.setLanguage(tag), said: tag ? `default language ${languageName(tag)}` : 'no default language', field: 'language' });
    }
    if (minutes.minutes !== me.daily_goal_minutes) {
      const m = minutes.minutes;
      steps.push({ put: () => api.setGoal(m), said: m > 0 ? `a goal of ${formatMinutes(m)} a day` : 'no daily goal', field: 'goal' });
    }
    if (dayStart !== me.day_start_hour) {
      steps.push({ put: () => api.setDayStart(dayStart), said: `days beginning at ${hourLabel(dayStart)}`, field: null });
    }
    if (steps.length === 0) return setFlash('Nothing to save: these are your settings already.');
    setBusy(true);
    let current = me;
    const saved: string[] = [];
    for (const step of steps) {
      try {
        current = { ...current, ...(await step.put()) };
        onMeChange(current);
        saved.push(step.said);
      } catch (err) {
        setInvalid(err instanceof ApiError && err.status === 400 ? step.field : null);
        setError(`${errorMessage(err)}${saved.length ? ` (Saved before that: ${saved.join(', ')}.)` : ''}`);
        setBusy(false);
        return;
      }
    }
    setBusy(false);
    setGoal(current.daily_goal_minutes > 0 ? formatDurationInput(current.daily_goal_minutes) : '');
    setFlash(`Saved: ${saved.join(', ')}.`);
  };

  return (
    <section class="card" aria-labelledby="learning-h">
      <h2 id="learning-h" class="card-title">
        Goal, language and days
      </h2>
      <form class="form" onSubmit={save} noValidate>
        <div class="field-row">
          <DurationField
            id="goal-minutes"
            label="Daily goal"
            value={goal}
            allowZero
            invalid={invalid === 'goal'}
            emptyHint="No goal. e.g. 30m or 1h"
            zeroHint="No goal"
            onInput={setGoal}
          />
          <LanguageField
            id="default-language"
            label="Default language"
            value={language}
            noneLabel="None"
            also={[me.language]}
            invalid={invalid === 'language'}
            hint="New logs get it unless you pick another."
            onChange={setLanguage}
          />
          <div class="field">
            <label for="day-start">A day begins at</label>
            <select
              id="day-start"
              value={String(dayStart)}
              aria-describedby="day-start-hint"
              onChange={(e) => setDayStart(Number(e.currentTarget.value))}
            >
              {Array.from({ length: 24 }, (_, h) => (
                <option key={h} value={String(h)}>
                  {hourLabel(h)}
                </option>
              ))}
            </select>
            <p id="day-start-hint" class="field-hint">
              As in Anki: with 04:00, 1 a.m. still counts for the day before.
            </p>
          </div>
        </div>
        <p class="hint">
          With a goal, a day counts for your streak when it reaches the goal; without one, when it has any immersion.
        </p>
        <Status tone="error">{error}</Status>
        <Status tone="success">{flash}</Status>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy} data-action="save-learning">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </section>
  );
}

const DEFAULT_ZONE = '';

function allZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

function TimeZone({ me, onMeChange }: { me: Me; onMeChange: (me: Me) => void }) {
  const zones = useMemo(() => {
    const list = allZones();
    // V8's Intl.supportedValuesOf('timeZone') lists no "UTC", which the server takes.
    if (!list.includes('UTC')) list.push('UTC');
    if (!me.time_zone_is_default && !list.includes(me.time_zone)) list.push(me.time_zone);
    return list.sort();
  }, [me.time_zone, me.time_zone_is_default]);
  const [filter, setFilter] = useState('');
  const [choice, setChoice] = useState(me.time_zone_is_default ? DEFAULT_ZONE : me.time_zone);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [flash, setFlash] = useFlash();
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase().replace(/\s+/g, '_');
    const list = f ? zones.filter((z) => z.toLowerCase().includes(f)) : zones;
    // Keep the current choice selectable while filtering.
    return choice && !list.includes(choice) ? [choice, ...list] : list;
  }, [zones, filter, choice]);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const answer = await api.setTimeZone(choice === DEFAULT_ZONE ? null : choice);
      onMeChange({ ...me, time_zone: answer.time_zone, time_zone_is_default: answer.time_zone_is_default });
      setFlash(`Time zone saved: ${answer.time_zone}${answer.time_zone_is_default ? ' (the server default)' : ''}.`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="tz-h">
      <h2 id="tz-h" class="card-title">
        Time zone
      </h2>
      <p class="muted">
        Your days, “today” and the quarters are counted in <strong>{me.time_zone}</strong>
        {me.time_zone_is_default ? ', the server default' : ''}.{' '}
        {isKnownTimeZone(me.time_zone)
          ? `It is ${todayIn(me.time_zone)} there.`
          : `This browser does not know that zone, so the dashboard shows “today” in UTC (${todayIn('UTC')}).`}
      </p>
      <form class="form" onSubmit={save}>
        <div class="field">
          <label for="tz-filter">Search time zones</label>
          <input
            id="tz-filter"
            type="search"
            value={filter}
            placeholder="e.g. Tokyo"
            autocomplete="off"
            onInput={(e) => setFilter(e.currentTarget.value)}
            onKeyDown={(e) => {
              // Enter with one match left picks it.
              if (e.key === 'Enter' && shown.length === 1) {
                e.preventDefault();
                setChoice(shown[0]!);
              }
            }}
          />
        </div>
        <div class="field">
          <label for="time-zone">Time zone</label>
          <select id="time-zone" name="time_zone" size={7} value={choice} onChange={(e) => setChoice(e.currentTarget.value)}>
            <option value={DEFAULT_ZONE}>Server default</option>
            {shown.map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </div>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy} data-action="save-time-zone">
            {busy ? 'Saving…' : 'Save time zone'}
          </button>
          {browserZone && browserZone !== choice && zones.includes(browserZone) && (
            <button type="button" class="btn btn-ghost" onClick={() => setChoice(browserZone)}>
              Use this device’s zone ({browserZone})
            </button>
          )}
        </div>
        <Status tone="error">{error}</Status>
        <Status tone="success">{flash}</Status>
      </form>
    </section>
  );
}

function Password({ username }: { username: string }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [flash, setFlash] = useFlash(8000);
  const bytes = (s: string) => new TextEncoder().encode(s).length;

  const save = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (!current) return setError('Enter your current password.');
    if (!next) return setError('Enter a new password.');
    if (bytes(next) > 1024 || bytes(current) > 1024) return setError('Passwords can be at most 1024 bytes.');
    if (next !== confirm) return setError('The new passwords do not match.');
    setBusy(true);
    try {
      await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      setFlash('Password changed. Your other sessions were signed out.');
    } catch (err) {
      setError(errorMessage(err, { 403: 'The current password is wrong.' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="pw-h">
      <h2 id="pw-h" class="card-title">
        Password
      </h2>
      <form class="form" onSubmit={save}>
        {/* Tells password managers which account the new password is for. */}
        <input type="text" name="username" autocomplete="username" value={username} readOnly hidden />
        <div class="field">
          <label for="pw-current">Current password</label>
          <input id="pw-current" type="password" autocomplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </div>
        <div class="field-row">
          <div class="field">
            <label for="pw-new">New password</label>
            <input id="pw-new" type="password" autocomplete="new-password" value={next} onInput={(e) => setNext(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="pw-confirm">Confirm new password</label>
            <input
              id="pw-confirm"
              type="password"
              autocomplete="new-password"
              value={confirm}
              aria-invalid={confirm && confirm !== next ? true : undefined}
              onInput={(e) => setConfirm(e.currentTarget.value)}
            />
          </div>
        </div>
        <Status tone="error">{error}</Status>
        <Status tone="success">{flash}</Status>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </section>
  );
}

function Tokens({ me }: { me: Me }) {
  const tokens = useLoad(() => api.tokens(), []);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [created, setCreated] = useState<(ApiToken & { token: string }) | null>(null);
  const [copied, setCopied] = useState('');
  const [deleting, setDeleting] = useState<ApiToken | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const [flash, setFlash] = useFlash();

  const create = async (e: Event) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return setError('Give the token a name, e.g. the machine that will use it.');
    if (new TextEncoder().encode(n).length > 100) return setError('The name can be at most 100 bytes.');
    setBusy(true);
    setError('');
    setCopied('');
    try {
      const t = await api.createToken(n);
      setCreated(t);
      setName('');
      tokens.reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied('Copied to the clipboard.');
    } catch {
      const field = document.getElementById('new-token') as HTMLInputElement | null;
      field?.select();
      setCopied('Select the token and copy it (Ctrl+C).');
    }
  };

  const remove = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await api.deleteToken(deleting.id);
      tokens.setData((d) => d && { tokens: d.tokens.filter((t) => t.id !== deleting.id) });
      if (created?.id === deleting.id) setCreated(null);
      setFlash(`Token ${deleting.name} deleted.`);
      setDeleting(null);
    } catch (err) {
      setDeleteError(err);
    } finally {
      setDeleteBusy(false);
    }
  };

  const list = tokens.data?.tokens;
  return (
    <section class="card" aria-labelledby="tokens-h">
      <h2 id="tokens-h" class="card-title" tabIndex={-1}>
        API tokens
      </h2>
      <p class="muted">
        For the sync client and scripts: <code>immersion-tracker sync --token …</code> or{' '}
        <code>Authorization: Bearer …</code>. A token acts as you until you delete it.
      </p>
      <PageError error={tokens.error} onRetry={tokens.reload} />
      <Status tone="success">{flash}</Status>
      {!list ? (
        <Skeleton height={48} />
      ) : list.length === 0 ? (
        <p class="muted empty-line">No tokens yet.</p>
      ) : (
        <ul class="plain-list">
          {list.map((t) => (
            <li key={t.id} class="list-row" data-token={t.id}>
              <span class="list-main">
                <strong>{t.name}</strong>
                <span class="muted num">
                  {' '}
                  · created {formatServerDate(t.created_at, me.time_zone)} · id {t.id}
                </span>
              </span>
              <button type="button" class="btn btn-ghost btn-danger-text" aria-label={`Delete token ${t.name}`} onClick={() => setDeleting(t)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      {created && (
        <div class="token-once" role="status">
          <p>
            <strong>Your new token “{created.name}”.</strong> Copy it now: it is shown only this once.
          </p>
          <div class="copy-row">
            <label for="new-token" class="sr-only">
              New token
            </label>
            <input id="new-token" class="mono" readOnly value={created.token} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" class="btn btn-primary" onClick={copy}>
              Copy
            </button>
          </div>
          <p class="muted" aria-live="polite">
            {copied}
          </p>
          <button type="button" class="btn btn-ghost btn-small" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
      <form class="inline-form" onSubmit={create}>
        <div class="field grow">
          <label for="token-name">Token name</label>
          <input id="token-name" value={name} placeholder="e.g. laptop" onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <button type="submit" class="btn" disabled={busy}>
          {busy ? 'Creating…' : 'Create token'}
        </button>
      </form>
      <Status tone="error">{error}</Status>
      {deleting && (
        <ConfirmDialog
          title="Delete this token?"
          message={
            <p>
              Programs using <strong>{deleting.name}</strong> will stop working at once.
            </p>
          }
          confirmLabel="Delete token"
          busy={deleteBusy}
          fallbackFocus={() => document.getElementById('tokens-h')}
          error={<ErrorNotice error={deleteError} />}
          onConfirm={remove}
          onClose={() => {
            setDeleting(null);
            setDeleteError(null);
          }}
        />
      )}
    </section>
  );
}

function YourData({ onImported }: { onImported: () => Promise<void> }) {
  const [file, setFile] = useState<File | null>(null);
  // The file being sent, while it is.
  const [sending, setSending] = useState<File | null>(null);
  const [error, setError] = useState('');
  const [summary, setSummary] = useState('');
  const input = useRef<HTMLInputElement>(null);

  const pick = (e: Event) => {
    const picked = (e.currentTarget as HTMLInputElement).files?.[0] ?? null;
    setFile(picked);
    setSummary('');
    setError(picked ? (importFileProblem(picked) ?? '') : '');
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (sending) return;
    setSummary('');
    const problem = importFileProblem(file);
    if (problem || !file) {
      input.current?.focus();
      return setError(problem ?? '');
    }
    setError('');
    setSending(file);
    try {
      const report = await api.importExport(file);
      setSummary(importSummary(report));
      setFile(null);
      if (input.current) input.current.value = '';
      await onImported();
    } catch (err) {
      setError(
        errorMessage(err, {
          413: `${file.name} is larger than this server takes at once (its max_import_bytes, 64 MiB unless changed).`,
        }),
      );
    } finally {
      setSending(null);
    }
  };

  return (
    <section class="card" aria-labelledby="data-h">
      <h2 id="data-h" class="card-title">
        Your data
      </h2>
      <p class="muted">
        Everything you have recorded: synced items, logs, TV progress, show tags, language choices and settings. The
        JSON file can be imported here or on another immersion-tracker server; the CSV has one row per item or log, for
        a spreadsheet.
      </p>
      <div class="form-actions">
        <a class="btn" href={EXPORT_JSON_URL} download data-action="export-json">
          <DownloadIcon />
          Export everything (JSON)
        </a>
        <a class="btn" href={EXPORT_CSV_URL} download data-action="export-csv">
          <DownloadIcon />
          Export items and logs (CSV)
        </a>
      </div>
      <form class="form import-form" onSubmit={submit} noValidate>
        <h3 class="form-title">Import an export</h3>
        <p class="hint">
          Adds the file’s items and logs to yours; what is already here is not counted twice, so importing a file again
          adds nothing. Your time zone, goal, default language and day start become the file’s.
        </p>
        <div class="field">
          <label for="import-file">Export file (.json)</label>
          <input
            ref={input}
            id="import-file"
            type="file"
            accept=".json,application/json"
            disabled={sending !== null}
            aria-invalid={error && file ? true : undefined}
            aria-describedby="import-file-hint"
            onChange={pick}
          />
          <p id="import-file-hint" class="field-hint">
            {file ? `${file.name}, ${formatBytes(file.size)}` : 'An immersion-tracker export (JSON).'}
          </p>
        </div>
        <Status tone="error">{error}</Status>
        <Status tone="success">{summary}</Status>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={sending !== null} data-action="import">
            <UploadIcon />
            {sending ? `Importing… (${formatBytes(sending.size)})` : 'Import'}
          </button>
        </div>
      </form>
    </section>
  );
}

function Users({ me }: { me: Me }) {
  const users = useLoad(() => api.users(), []);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [admin, setAdmin] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [flash, setFlash] = useFlash(8000);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);

  const add = async (e: Event) => {
    e.preventDefault();
    const n = username.trim();
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(n)) return setError('A user name is 1-64 letters, digits, “_”, “-” or “.”.');
    if (!password) return setError('Give the new user a password.');
    setBusy(true);
    setError('');
    try {
      const u = await api.addUser(n, password, admin);
      users.setData((d) => d && { users: [...d.users, u].sort((a, b) => (a.username < b.username ? -1 : 1)) });
      setUsername('');
      setPassword('');
      setAdmin(false);
      setFlash(`Added ${u.username}${u.is_admin ? ' (admin)' : ''}.`);
    } catch (err) {
      setError(errorMessage(err, { 409: `The name ${n} is taken.` }));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await api.deleteUser(deleting.username);
      users.setData((d) => d && { users: d.users.filter((u) => u.username !== deleting.username) });
      setFlash(`Removed ${deleting.username}.`);
      setDeleting(null);
    } catch (err) {
      setDeleteError(err);
    } finally {
      setDeleteBusy(false);
    }
  };

  const list = users.data?.users;
  return (
    <section class="card" aria-labelledby="users-h">
      <h2 id="users-h" class="card-title" tabIndex={-1}>
        Users
      </h2>
      <PageError error={users.error} onRetry={users.reload} />
      <Status tone="success">{flash}</Status>
      {!list ? (
        <Skeleton height={48} />
      ) : (
        <ul class="plain-list">
          {list.map((u) => (
            <li key={u.username} class="list-row" data-user={u.username}>
              <span class="list-main">
                <strong>{u.username}</strong>
                {u.is_admin && <span class="badge">admin</span>}
                {u.username === me.username && <span class="muted"> (you)</span>}
                <span class="muted num">
                  {' '}
                  · since {formatServerDate(u.created_at, me.time_zone)} · {u.time_zone ?? 'server time zone'}
                </span>
              </span>
              {u.username !== me.username && (
                <button type="button" class="btn btn-ghost btn-danger-text" aria-label={`Delete user ${u.username}`} onClick={() => setDeleting(u)}>
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form class="form add-user" onSubmit={add}>
        <h3 class="form-title">Add a user</h3>
        <div class="field-row">
          <div class="field">
            <label for="new-user">User name</label>
            <input id="new-user" autocomplete="off" autocapitalize="none" spellcheck={false} value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="new-user-pw">Password</label>
            <input id="new-user-pw" type="password" autocomplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </div>
        </div>
        <label class="check">
          <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.currentTarget.checked)} />
          Administrator (may manage users and read everyone’s TV progress)
        </label>
        <Status tone="error">{error}</Status>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add user'}
          </button>
        </div>
      </form>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.username}?`}
          message={
            <p>
              This removes <strong>{deleting.username}</strong> with all their data and tokens. It cannot be undone.
            </p>
          }
          confirmLabel="Delete user"
          busy={deleteBusy}
          fallbackFocus={() => document.getElementById('users-h')}
          error={<ErrorNotice error={deleteError} />}
          onConfirm={remove}
          onClose={() => {
            setDeleting(null);
            setDeleteError(null);
          }}
        />
      )}
    </section>
  );
}
