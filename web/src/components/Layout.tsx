import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { offline, refreshTick, type Me } from '../api';
import { NAV, ROUTES } from '../routes';
import { onLinkClick } from '../lib/router';
import { useStore } from '../lib/store';
import { UnreachableBanner } from './Feedback';
import { ChartIcon, LibraryIcon, LogIcon, Logo, SettingsIcon, SignOutIcon, TvIcon } from './Icons';

const ICONS = {
  [ROUTES.immersion]: ChartIcon,
  [ROUTES.logs]: LogIcon,
  [ROUTES.tv]: TvIcon,
  [ROUTES.library]: LibraryIcon,
  [ROUTES.settings]: SettingsIcon,
} as Record<string, typeof ChartIcon>;

export function Header({ me, path, onSignOut, signingOut }: { me: Me | null; path: string; onSignOut?: () => void; signingOut?: boolean }) {
  return (
    <header class="app-header">
      <div class="header-inner">
        <a href={ROUTES.immersion} class="brand" onClick={onLinkClick}>
          <Logo />
          <span>Immersion tracker</span>
        </a>
        {me && (
          <nav aria-label="Main" class="main-nav">
            <ul>
              {NAV.map(({ path: to, label }) => {
                const Icon = ICONS[to]!;
                return (
                  <li key={to}>
                    <a href={to} onClick={onLinkClick} aria-current={path === to ? 'page' : undefined}>
                      <Icon />
                      <span>{label}</span>
                    </a>
                  </li>
                );
              })}
            </ul>
          </nav>
        )}
        {me && (
          <div class="header-user">
            <span class="user-name" title={`Signed in as ${me.username}`}>
              {me.username}
            </span>
            <button type="button" class="btn btn-ghost btn-signout" onClick={onSignOut} disabled={signingOut}>
              <SignOutIcon />
              <span class="signout-label">Sign out</span>
            </button>
          </div>
        )}
      </div>
    </header>
  );
}

export function Layout({
  me,
  path,
  onSignOut,
  signingOut,
  children,
}: {
  me: Me | null;
  path: string;
  onSignOut?: () => void;
  signingOut?: boolean;
  children: ComponentChildren;
}) {
  const isOffline = useStore(offline);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // After an in-app navigation, move focus to the new page so screen readers start there.
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = main.current?.querySelector<HTMLElement>('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }, [path]);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header me={me} path={path} onSignOut={onSignOut} signingOut={signingOut} />
      <main id="main" ref={main} tabIndex={-1}>
        {isOffline && <UnreachableBanner onRetry={() => refreshTick.set(refreshTick.get() + 1)} />}
        {children}
      </main>
    </>
  );
}
