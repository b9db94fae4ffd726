import { useEffect, useState } from 'preact/hooks';
import { api, type Me } from '../api';
import { Status } from '../components/Feedback';
import { Logo } from '../components/Icons';
import { ApiError, errorMessage } from '../lib/errors';

const COOKIE_NOT_KEPT =
  'The password is right, but this browser did not keep the session cookie. ' +
  'If the server sends Secure cookies (secure_cookies, or X-Forwarded-Proto: https), open the dashboard over https; ' +
  'also check that cookies are allowed for this site.';

export function LoginPage({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  // After a 429: when the server lets us try again (ms since the epoch), and the seconds left.
  const [retryAt, setRetryAt] = useState(0);
  const [wait, setWait] = useState(0);

  useEffect(() => {
    if (!retryAt) return;
    const tick = () => {
      const left = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
      setWait(left);
      if (left === 0) setRetryAt(0);
    };
    tick();
    const id = setInterval(tick, 1000);
    return () => clearInterval(id);
  }, [retryAt]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || wait > 0) return;
    setBusy(true);
    setError('');
    try {
      try {
        await api.signIn(username.trim(), password);
      } catch (err) {
        if (err instanceof ApiError && err.status === 429 && err.retryAfter) setRetryAt(Date.now() + err.retryAfter * 1000);
        setError(errorMessage(err, { 401: 'Wrong username or password', 400: 'Enter a username and a password' }));
        return;
      }
      // 204: the password was right. A 401 now means the cookie was dropped, not a wrong password.
      let me: Me;
      try {
        me = await api.me({ allow401: true });
      } catch (err) {
        setError(err instanceof ApiError && err.status === 401 ? COOKIE_NOT_KEPT : errorMessage(err));
        return;
      }
      setPassword('');
      onSignedIn(me);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-wrap">
      <main id="main" class="login-card card">
        <div class="login-brand">
          <Logo />
          <div>
            <h1>Immersion tracker</h1>
            <p class="muted">Sign in to see your hours and shows.</p>
          </div>
        </div>
        <form onSubmit={submit} class="form" noValidate={false}>
          <div class="field">
            <label for="login-username">Username</label>
            <input
              id="login-username"
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
              autofocus
            />
          </div>
          <div class="field">
            <label for="login-password">Password</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </div>
          <Status tone="error">{error}</Status>
          <button type="submit" class="btn btn-primary btn-block" disabled={busy || wait > 0}>
            {busy ? 'Signing in…' : wait > 0 ? `Sign in (wait ${wait} s)` : 'Sign in'}
          </button>
        </form>
        <p class="hint">On first start the server prints the admin password in its terminal.</p>
      </main>
    </div>
  );
}
