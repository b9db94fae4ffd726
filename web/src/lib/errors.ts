// One place that turns a failed call into the sentence the user reads.

/** The server answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The body's "error" (or the TV endpoints' "message"), when it had one. */
    readonly serverMessage: string | null,
    /** Seconds from Retry-After, when given. */
    readonly retryAfter: number | null = null,
  ) {
    super(serverMessage ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** fetch itself failed, or the answer broke off: the server is down, the network is gone. */
export class NetworkError extends Error {
  constructor(cause?: unknown) {
    super('Cannot reach the immersion-tracker server');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

export const UNREACHABLE =
  'Cannot reach the immersion-tracker server. Check that it is running and that this device is online.';

/** The error text of a JSON error body: {"error": ...} or {"message": ...}. */
export function bodyMessage(body: unknown): string | null {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (typeof b.error === 'string' && b.error) return b.error;
    if (typeof b.message === 'string' && b.message) return b.message;
  }
  return null;
}

/** Retry-After as seconds (delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** Per-status wording a caller wants instead of the server's, e.g. {401: "Wrong username or password"}. */
export type MessageOverrides = Partial<Record<number, string>>;

export function errorMessage(err: unknown, overrides: MessageOverrides = {}): string {
  if (err instanceof NetworkError) return UNREACHABLE;
  if (err instanceof ApiError) {
    if (err.status === 429) {
      const wait = err.retryAfter;
      return wait === null ? 'Too many attempts, try again later' : `Too many attempts, try again in ${wait} s`;
    }
    const override = overrides[err.status];
    if (override) return override;
    if (err.serverMessage) return err.serverMessage;
    if (err.status >= 500) return `The server failed (HTTP ${err.status}). Try again in a moment.`;
    return `The request failed (HTTP ${err.status}).`;
  }
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}

/** The request was aborted on purpose (a newer one replaced it, the page went away). */
export function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}
