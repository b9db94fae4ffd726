import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, offline, onUnauthorized, request } from '../src/api';
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

describe('the logs and settings calls', () => {
  function recorder(status: number, body: string) {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string, init: RequestInit) => {
        calls.push({ url, init });
        return answer(status, body)();
      }),
    );
    return calls;
  }
  it('sends a new log as JSON with its Idempotency-Key', async () => {
    const calls = recorder(201, '{"id":"x"}');
    await api.addLog({ medium: 'book', minutes: 5 }, 'k1');
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(calls[0]!.url).toBe('/api/logs');
    expect(calls[0]!.init.method).toBe('POST');
    expect(headers['Idempotency-Key']).toBe('k1');
    expect(headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ medium: 'book', minutes: 5 });
  });
  it('asks for a page of logs with only the parameters given', async () => {
    const calls = recorder(200, '{"logs":[]}');
    await api.logs();
    await api.logs({ limit: 50, cursor: '2026-12-01.000661a67590b5fd2702131f', to: '2026-11-30' });
    expect(calls.map((c) => c.url)).toEqual(['/api/logs', '/api/logs?limit=50&cursor=2026-12-01.000661a67590b5fd2702131f&to=2026-11-30']);
  });
  it('filters activity by language only when asked', async () => {
    const calls = recorder(200, '{"days":[]}');
    await api.activity('2026-11-01', '2026-11-30');
    await api.activity('2026-11-01', '2026-11-30', undefined, 'unknown');
    expect(calls.map((c) => c.url)).toEqual([
      '/api/activity?from=2026-11-01&to=2026-11-30',
      '/api/activity?from=2026-11-01&to=2026-11-30&language=unknown',
    ]);
  });
  it('puts each setting to its own endpoint', async () => {
    const calls = recorder(200, '{"time_zone":"UTC"}');
    await api.setLanguage(null);
    await api.setGoal(30);
    await api.setDayStart(4);
    expect(calls.map((c) => [c.init.method, c.url, JSON.parse(c.init.body as string)])).toEqual([
      ['PUT', '/api/me/language', { language: null }],
      ['PUT', '/api/me/goal', { daily_minutes: 30 }],
      ['PUT', '/api/me/day_start', { hour: 4 }],
    ]);
  });
  it('sends an export document to import as it is, as JSON', async () => {
    const calls = recorder(200, '{"items_added":1,"items_present":0,"logs_added":0,"logs_present":0,"tv_progress_updated":0,"shows_tagged":0,"language_choices":0}');
    const file = new Blob(['{"format":"immersion-tracker-export"}'], { type: '' });
    await expect(api.importExport(file)).resolves.toMatchObject({ items_added: 1 });
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect([calls[0]!.init.method, calls[0]!.url]).toEqual(['POST', '/api/import']);
    expect(calls[0]!.init.body).toBe(file);
    expect(headers['Content-Type']).toBe('application/json');
    expect(calls[0]!.init.credentials).toBe('same-origin');
  });
});
