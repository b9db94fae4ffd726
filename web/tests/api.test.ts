import { afterEach, describe, expect, it, vi } from 'vitest';
import { offline, onUnauthorized, request } from '../src/api';
import { ApiError, NetworkError } from '../src/lib/errors';

function answer(status: number, body: string, headers: Record<string, string> = {}) {
  return () => Promise.resolve(new Response(status === 204 ? null : body, { status, headers }));
}

function brokenBody(error: unknown) {
  return () =>
    Promise.resolve({ ok: true, status: 200, headers: new Headers(), text: () => Promise.reject(error) } as unknown as Response);
}

afterEach(() => {
  vi.unstubAllGlobals();
  offline.set(false);
});

describe('request', () => {
  it('returns the JSON object of a success', async () => {
    vi.stubGlobal('fetch', vi.fn(answer(200, '{"tokens":[]}')));
    await expect(request('GET', '/api/tokens')).resolves.toEqual({ tokens: [] });
  });
  it('returns nothing for a 204 where no body is expected', async () => {
    vi.stubGlobal('fetch', vi.fn(answer(204, '')));
    await expect(request('DELETE', '/api/session', { noBody: true })).resolves.toBeUndefined();
  });
  it('never hands null to a caller that reads the body', async () => {
    for (const [status, body] of [
      [200, '<html>proxy</html>'],
      [200, ''],
      [200, 'null'],
      [204, ''],
    ] as const) {
      vi.stubGlobal('fetch', vi.fn(answer(status, body)));
      const err = await request('GET', '/progress').catch((e: unknown) => e);
      expect(err, `${status} ${body}`).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(status);
    }
  });
  it('turns a body that breaks off into a NetworkError, but passes an abort on', async () => {
    vi.stubGlobal('fetch', vi.fn(brokenBody(new TypeError('terminated'))));
    await expect(request('GET', '/progress')).rejects.toBeInstanceOf(NetworkError);
    expect(offline.get()).toBe(true);
    const abort = new DOMException('The operation was aborted.', 'AbortError');
    vi.stubGlobal('fetch', vi.fn(brokenBody(abort)));
    await expect(request('GET', '/progress')).rejects.toBe(abort);
  });
  it('maps error statuses, Retry-After and 401', async () => {
    const unauthorized = vi.fn();
    onUnauthorized(unauthorized);
    vi.stubGlobal('fetch', vi.fn(answer(429, '{"error":"Too many"}', { 'Retry-After': '7' })));
    const err = (await request('POST', '/api/session', { noBody: true, allow401: true }).catch((e: unknown) => e)) as ApiError;
    expect([err.status, err.serverMessage, err.retryAfter]).toEqual([429, 'Too many', 7]);
    vi.stubGlobal('fetch', vi.fn(answer(401, '{"error":"Authentication required"}')));
    await expect(request('GET', '/api/me')).rejects.toBeInstanceOf(ApiError);
    expect(unauthorized).toHaveBeenCalledTimes(1);
    await expect(request('GET', '/api/me', { allow401: true })).rejects.toBeInstanceOf(ApiError);
    expect(unauthorized).toHaveBeenCalledTimes(1);
  });
});
