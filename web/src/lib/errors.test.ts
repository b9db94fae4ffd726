import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError, UNREACHABLE, bodyMessage, errorMessage, parseRetryAfter } from './errors';

describe('errorMessage', () => {
  it('shows the server error text', () => {
    expect(errorMessage(new ApiError(400, bodyMessage({ error: 'Username is required' })))).toBe('Username is required');
    expect(errorMessage(new ApiError(404, bodyMessage({ message: 'No data found for this user and TV show' })))).toBe(
      'No data found for this user and TV show',
    );
  });
  it('says the server cannot be reached', () => {
    expect(errorMessage(new NetworkError(new TypeError('Failed to fetch')))).toBe(UNREACHABLE);
    expect(UNREACHABLE).toMatch(/^Cannot reach the immersion-tracker server/);
  });
  it('counts down a 429', () => {
    expect(errorMessage(new ApiError(429, 'Too many failed logins from this address; try again in 5 seconds', 5))).toBe(
      'Too many attempts, try again in 5 s',
    );
    expect(errorMessage(new ApiError(429, null, null))).toBe('Too many attempts, try again later');
  });
  it('lets a caller reword a status', () => {
    const err = new ApiError(401, 'Invalid credentials');
    expect(errorMessage(err, { 401: 'Wrong username or password' })).toBe('Wrong username or password');
    expect(errorMessage(new ApiError(403, 'Wrong password'), { 401: 'x' })).toBe('Wrong password');
  });
  it('has words for bodies without text', () => {
    expect(errorMessage(new ApiError(502, null))).toMatch(/HTTP 502/);
    expect(errorMessage(new ApiError(418, null))).toMatch(/HTTP 418/);
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('weird')).toBe('Something went wrong.');
  });
});

describe('bodyMessage and Retry-After', () => {
  it('reads error, then message', () => {
    expect(bodyMessage({ error: 'a', message: 'b' })).toBe('a');
    expect(bodyMessage({ message: 'b' })).toBe('b');
    expect(bodyMessage({ error: '' })).toBeNull();
    expect(bodyMessage(null)).toBeNull();
    expect(bodyMessage('text')).toBeNull();
  });
  it('reads seconds and dates', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    const now = Date.parse('2026-12-02T10:00:00Z');
    expect(parseRetryAfter('Wed, 02 Dec 2026 10:00:30 GMT', now)).toBe(30);
  });
});
