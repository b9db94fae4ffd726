import { Component, render, type ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, onUnauthorized, type Me } from './api';
import { ErrorNotice, Skeleton, UnreachableBanner } from './components/Feedback';
import { Header, Layout } from './components/Layout';
import { ApiError, NetworkError } from './lib/errors';
import { currentUrl, navigate, useLocation } from './lib/router';
import { ImmersionPage } from './pages/Immersion';
import { LibraryPage } from './pages/Library';
import { LoginPage } from './pages/Login';
import { LogsPage } from './pages/Logs';
import { NotFoundPage } from './pages/NotFound';
import { SettingsPage } from './pages/Settings';
import { TvPage } from './pages/Tv';
import { ROUTES, loginUrl, safeNext } from './routes';
import './styles.css';

const TITLES: Record<string, string> = {
  [ROUTES.immersion]: 'Immersion',
  [ROUTES.logs]: 'Log immersion',
  [ROUTES.tv]: 'TV progress',
  [ROUTES.library]: 'Library',
  [ROUTES.settings]: 'Settings',
  [ROUTES.login]: 'Sign in',
};

function App() {
  const { path, search } = useLocation();
  // undefined: asking the server; null: signed out.
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [bootError, setBootError] = useState<unknown>(null);
  const [bootTry, setBootTry] = useState(0);
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<unknown>(null);

  useEffect(() => {
    onUnauthorized(() => {
      setMe(null);
      if (location.pathname !== ROUTES.login) navigate(loginUrl(currentUrl()), { replace: true });
    });
  }, []);

  const onLogin = path === ROUTES.login;
  const meRef = useRef(me);
  meRef.current = me;
  useEffect(() => {
    setBootError(null);
    // The sign-in page asks nothing: a 401 there would only be noise in the console.
    if (onLogin || meRef.current) return;
    api.me().then(setMe, (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) return; // onUnauthorized took over
      setBootError(err);
    });
  }, [bootTry, onLogin]);

  useEffect(() => {
    document.title = `${TITLES[path] ?? 'Not found'} · Immersion tracker`;
  }, [path]);

  // Signed in already: the login page sends you on.
  useEffect(() => {
    if (me && path === ROUTES.login) navigate(safeNext(search.get('next')), { replace: true });
  }, [me, path, search]);

  const signOut = useCallback(async () => {
    setSigningOut(true);
    setSignOutError(null);
    try {
      await api.signOut();
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) {
        setSignOutError(err);
        setSigningOut(false);
        return;
      }
    }
    setSigningOut(false);
    setMe(null);
    navigate(ROUTES.login);
  }, []);

  if (path === ROUTES.login) {
    if (me) return null;
    return (
      <LoginPage
        onSignedIn={(signedIn) => {
          setMe(signedIn);
          setBootError(null);
        }}
      />
    );
  }

  if (bootError) {
    return (
      <>
        <Header me={null} path={path} />
        <main id="main" class="page narrow">
          {bootError instanceof NetworkError ? (
            <UnreachableBanner onRetry={() => setBootTry((n) => n + 1)} />
          ) : (
            <ErrorNotice error={bootError} onRetry={() => setBootTry((n) => n + 1)} />
          )}
        </main>
      </>
    );
  }

  if (!me) {
    return (
      <>
        <Header me={null} path={path} />
        <main id="main" class="page" aria-busy="true">
          <Skeleton height={36} width="40%" />
          <div class="stats">
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} height={112} class="card-skeleton" />
            ))}
          </div>
          <Skeleton height={300} class="card-skeleton" />
        </main>
      </>
    );
  }

  let page;
  switch (path) {
    case ROUTES.immersion:
      page = <ImmersionPage me={me} />;
      break;
    case ROUTES.logs:
      page = <LogsPage me={me} />;
      break;
    case ROUTES.tv:
      page = <TvPage me={me} />;
      break;
    case ROUTES.library:
      page = <LibraryPage me={me} />;
      break;
    case ROUTES.settings:
      page = <SettingsPage me={me} onMeChange={setMe} onSignOut={signOut} />;
      break;
    default:
      page = <NotFoundPage />;
  }

  return (
    <Layout me={me} path={path} onSignOut={signOut} signingOut={signingOut}>
      {signOutError ? <ErrorNotice error={signOutError} /> : null}
      {page}
    </Layout>
  );
}

/**
 * The last line of defence: a render error anywhere below shows what happened and a Reload
 * button instead of a blank page.
 */
class RootErrorBoundary extends Component<{ children: ComponentChildren }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static override getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown) {
    // Keep the details for whoever opens the console; the page says it in words.
    console.error('The dashboard failed to render:', error);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const detail = error instanceof Error ? error.message : String(error);
    return (
      <main id="main" class="page narrow">
        <div class="card crash" role="alert">
          <h1>Something went wrong</h1>
          <p>The dashboard hit an error it could not recover from. Reloading the page usually helps.</p>
          {detail && (
            <p class="muted">
              Details: <code>{detail}</code>
            </p>
          )}
          <div class="form-actions">
            <button type="button" class="btn btn-primary" onClick={() => location.reload()}>
              Reload
            </button>
          </div>
        </div>
      </main>
    );
  }
}

render(
  <RootErrorBoundary>
    <App />
  </RootErrorBoundary>,
  document.getElementById('app')!,
);
