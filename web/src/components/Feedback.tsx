// Error notices, skeletons and the "cannot reach the server" banner.
import type { ComponentChildren } from 'preact';
import { NetworkError, UNREACHABLE, errorMessage, type MessageOverrides } from '../lib/errors';
import { AlertIcon } from './Icons';

export function ErrorNotice({
  error,
  onRetry,
  overrides,
}: {
  error: unknown;
  onRetry?: () => void;
  overrides?: MessageOverrides;
}) {
  if (!error) return null;
  return (
    <div class="notice notice-error" role="alert">
      <AlertIcon />
      <p>{errorMessage(error, overrides)}</p>
      {onRetry && (
        <button type="button" class="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function UnreachableBanner({ onRetry }: { onRetry: () => void }) {
  return (
    <div class="notice notice-error banner" role="alert">
      <AlertIcon />
      <p>{UNREACHABLE}</p>
      <button type="button" class="btn btn-small" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}

/**
 * A section that failed to load: always a short message and a Retry, also for network errors
 * (the layout's banner says more about those, but any later success elsewhere clears it).
 */
export function PageError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  if (!error) return null;
  if (error instanceof NetworkError) {
    return (
      <div class="notice notice-error" role="alert">
        <AlertIcon />
        <p>Could not load this part: the server did not answer.</p>
        <button type="button" class="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      </div>
    );
  }
  return <ErrorNotice error={error} onRetry={onRetry} />;
}

export function Skeleton({ height = 16, width = '100%', class: cls = '' }: { height?: number | string; width?: number | string; class?: string }) {
  return <span class={`skeleton ${cls}`} style={{ height, width }} aria-hidden="true" />;
}

/**
 * A live region: "success" is polite (role=status), "error" assertive (role=alert). Give each
 * tone its own element: a region whose role changes is not reliably read out.
 */
export function Status({ children, tone }: { children?: ComponentChildren; tone: 'error' | 'success' }) {
  return (
    <p class={`status status-${tone}`} role={tone === 'error' ? 'alert' : 'status'} aria-live={tone === 'error' ? 'assertive' : 'polite'}>
      {children}
    </p>
  );
}
