import { classifyResponse } from '../../../alerts/notifiers/classifyResponse';
import { MAX_RETRY_AFTER_MS, parseRetryAfter, retryAfterMs } from '../../../alerts/notifiers/retryHints';

const NOW = Date.parse('2015-10-21T07:26:30Z');

function answer(status: number, headers: Record<string, string> = {}, body = '') {
  return { name: 'ops-discord', status, headers: new Headers(headers), body, secrets: [], now: NOW };
}

describe('retry hints', () => {
  it("reads Discord's 429: the precise JSON retry_after wins over the rounded Retry-After", () => {
    const headers = new Headers({
      'retry-after': '1',
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '1445412391.512',
      'x-ratelimit-reset-after': '0.512',
      'x-ratelimit-scope': 'user',
    });
    const body = '{"message": "You are being rate limited.", "retry_after": 0.512, "global": false}';
    expect(retryAfterMs(headers, body, NOW)).toBe(512);
  });

  it("reads Discord's X-RateLimit-Reset-After when the body says nothing", () => {
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset-after': '2.25', 'retry-after': '3' }), '', NOW)).toBe(2250);
  });

  it("reads Slack's Retry-After seconds on a plain-text 429", () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '30' }), 'rate_limited', NOW)).toBe(30_000);
  });

  it('reads Retry-After as an HTTP date, and a date in the past as no wait', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', NOW)).toBe(90_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', NOW)).toBe(0);
  });

  it('reads X-RateLimit-Reset (epoch seconds) as the last resort', () => {
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': String(NOW / 1000 + 7) }), '', NOW)).toBe(7000);
  });

  it('ignores what it cannot read and caps waits at an hour', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), '{"retry_after": "later"}', NOW)).toBeUndefined();
    expect(retryAfterMs(new Headers(), '<html>Bad Gateway</html>', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': '86400' }), '', NOW)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('classifyResponse', () => {
  it('treats every 2xx as delivered', () => {
    expect(classifyResponse(answer(204))).toEqual({ ok: true, status: 204 });
    expect(classifyResponse(answer(200, {}, '{"id": "1"}'))).toEqual({ ok: true, status: 200 });
  });

  it('retries 429 with the wait the endpoint asked for', () => {
    const body = '{"message": "You are being rate limited.", "retry_after": 0.5, "global": false}';
    expect(classifyResponse(answer(429, { 'content-type': 'application/json' }, body))).toEqual({
      ok: false,
      retry: true,
      status: 429,
      retryAfterMs: 500,
      error: `ops-discord: HTTP 429: ${body}`,
    });
  });

  it('retries 5xx and 408 without a hint, so the backoff decides', () => {
    for (const status of [500, 502, 503, 504, 408]) {
      const result = classifyResponse(answer(status, {}, 'upstream error'));
      expect(result).toEqual({ ok: false, retry: true, status, error: `ops-discord: HTTP ${status}: upstream error` });
    }
  });

  it('reports 404 and 410 as gone, not to be retried', () => {
    const body = '{"message": "Unknown Webhook", "code": 10015}';
    expect(classifyResponse(answer(404, {}, body))).toEqual({
      ok: false,
      retry: false,
      gone: true,
      status: 404,
      error: `ops-discord: endpoint is gone (HTTP 404: ${body})`,
    });
    expect(classifyResponse(answer(410))).toMatchObject({ retry: false, gone: true, status: 410 });
  });

  it('does not retry other 4xx and keeps a one-line excerpt of the body', () => {
    const body = `{"embeds": ["0"],\n "message": "Invalid Form Body", "detail": "${'x'.repeat(500)}"}`;
    const result = classifyResponse(answer(400, {}, body));
    expect(result).toMatchObject({ ok: false, retry: false, status: 400 });
    expect(result.ok ? '' : result.error).toMatch(
      /^ops-discord: rejected \(HTTP 400: \{"embeds": \["0"\], "message": "Invalid Form Body".*…\)$/,
    );
    expect((result.ok ? '' : result.error).length).toBeLessThan(260);
    expect(classifyResponse(answer(403, {}, 'invalid_token'))).toMatchObject({
      retry: false,
      error: 'ops-discord: rejected (HTTP 403: invalid_token)',
    });
  });

  it('never lets a secret from the body into the error', () => {
    const secret = '/api/webhooks/123/tok-9f8e7d';
    const result = classifyResponse({ ...answer(400, {}, `no such hook ${secret}`), secrets: [secret] });
    expect(result.ok ? '' : result.error).toBe('ops-discord: rejected (HTTP 400: no such hook <secret>)');
  });
});
