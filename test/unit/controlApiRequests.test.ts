import { ApiError } from '../../api/controlApiError';
import { parseJsonBody, parseMaintenanceRequest, parseSilenceRequest } from '../../api/controlApiRequests';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;

/** The status and message a bad request is refused with. */
function refusal(fn: () => unknown): { status: number; error: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, error: err.message };
    throw err;
  }
  throw new Error('accepted');
}

/** Cases as [body, error], titled by the error. */
const byError = (cases: [unknown, string][]) => cases.map(([body, error]) => [error, body] as const);

const silence = (body: unknown) => refusal(() => parseSilenceRequest(body, NOW));
const maintenance = (body: unknown) => refusal(() => parseMaintenanceRequest(body, NOW, 'host-a'));

describe('parseSilenceRequest', () => {
  it('turns a duration into an end time counted from now', () => {
    const body = { matchers: { container: 'web-*' }, duration: '1h30m', comment: 'deploy', createdBy: 'alice' };
    expect(parseSilenceRequest(body, NOW)).toEqual({
      matchers: { container: 'web-*' },
      until: NOW + 1.5 * HOUR,
      comment: 'deploy',
      createdBy: 'alice',
    });
  });

  it('takes an RFC 3339 end time with any offset', () => {
    const body = { matchers: { rule: 'crashed' }, until: '2026-01-01T03:00:00+02:00', createdBy: 'bot:U01' };
    expect(parseSilenceRequest(body, NOW)).toEqual({
      matchers: { rule: 'crashed' },
      until: NOW + HOUR,
      createdBy: 'bot:U01',
    });
  });

  it.each(
    byError([
      [[], 'the request body must be a JSON object, not a list'],
      [null, 'the request body must be a JSON object, not null'],
      ['silence', 'the request body must be a JSON object, not "silence"'],
      [{ matchers: { a: 'b' }, duration: '1h' }, 'createdBy: is required'],
      [{ matchers: { a: 'b' }, duration: '1h', createdBy: ' ' }, 'createdBy: must not be empty'],
      [{ matchers: { a: 'b' }, duration: '1h', createdBy: 7 }, 'createdBy: expected a string, got 7'],
      [
        { matchers: { a: 'b' }, duration: '1h', createdBy: 'x'.repeat(201) },
        'createdBy: is longer than 200 characters',
      ],
      [{ matchers: { a: 'b' }, duration: '1h', createdBy: 'a', comment: 5 }, 'comment: expected a string, got 5'],
      [{ duration: '1h', createdBy: 'a' }, 'matchers: is required'],
      [{ matchers: {}, duration: '1h', createdBy: 'a' }, 'matchers: must not be empty (a silence needs a matcher)'],
      [
        { matchers: ['container=web'], duration: '1h', createdBy: 'a' },
        'matchers: expected an object of label: value-or-glob, got a list',
      ],
      [{ matchers: { container: 5 }, duration: '1h', createdBy: 'a' }, 'matchers.container: expected a string, got 5'],
      [
        { matchers: { 'com.docker.compose.service': null }, duration: '1h', createdBy: 'a' },
        'matchers["com.docker.compose.service"]: expected a string, got null',
      ],
      [{ matchers: { '': 'x' }, duration: '1h', createdBy: 'a' }, 'matchers[""]: a label name must not be empty'],
      [{ matchers: { a: 'b' }, createdBy: 'a' }, 'duration: is required (or give until)'],
      [
        { matchers: { a: 'b' }, duration: '1 hour', createdBy: 'a' },
        'duration: "1 hour" is not a duration (use e.g. 30m, 1h, 2h30m)',
      ],
      [
        { matchers: { a: 'b' }, duration: 3600, createdBy: 'a' },
        'duration: 3600 is not a duration (use e.g. 30m, 1h, 2h30m)',
      ],
      [{ matchers: { a: 'b' }, duration: '0s', createdBy: 'a' }, 'duration: "0s" is below the minimum 1s'],
      [{ matchers: { a: 'b' }, duration: '31d', createdBy: 'a' }, 'duration: "31d" is above the maximum 30d'],
      [
        { matchers: { a: 'b' }, until: 'tomorrow', createdBy: 'a' },
        'until: "tomorrow" is not an RFC 3339 time (e.g. 2026-12-31T00:00:00Z)',
      ],
      [
        { matchers: { a: 'b' }, until: '2026-01-02', createdBy: 'a' },
        'until: "2026-01-02" is not an RFC 3339 time (e.g. 2026-12-31T00:00:00Z)',
      ],
      [
        { matchers: { a: 'b' }, until: '2025-12-31T23:59:59Z', createdBy: 'a' },
        'until: "2025-12-31T23:59:59Z" is not in the future',
      ],
      [
        { matchers: { a: 'b' }, until: '2026-03-01T00:00:00Z', createdBy: 'a' },
        'until: "2026-03-01T00:00:00Z" is more than 30d from now',
      ],
      [
        { matchers: { a: 'b' }, duration: '1h', until: '2026-01-01T02:00:00Z', createdBy: 'a' },
        'until: give duration or until, not both',
      ],
      [
        { matchers: { a: 'b' }, duration: '1h', createdBy: 'a', creatdBy: 'a' },
        'creatdBy: unknown field (did you mean "createdBy"?)',
      ],
      [
        { matchers: { a: 'b' }, duration: '1h', createdBy: 'a', token: 'x' },
        'token: unknown field (known fields: matchers, duration, until, comment, createdBy)',
      ],
    ]),
  )('refuses with 400: %s', (error, body) => {
    expect(silence(body)).toEqual({ status: 400, error });
  });

  it('names every problem at once, in field order', () => {
    expect(silence({ matchers: {}, duration: 'soon', extra: 1 })).toEqual({
      status: 400,
      error:
        'extra: unknown field (known fields: matchers, duration, until, comment, createdBy); ' +
        'matchers: must not be empty (a silence needs a matcher); ' +
        'duration: "soon" is not a duration (use e.g. 30m, 1h, 2h30m); createdBy: is required',
    });
  });

  it('cuts a long bad value short instead of echoing the whole of it', () => {
    const { error } = silence({ matchers: { a: 'b' }, duration: 'x'.repeat(5000), createdBy: 'a' });
    expect(error).toBe(`duration: "${'x'.repeat(80)}"… is not a duration (use e.g. 30m, 1h, 2h30m)`);
  });
});

describe('parseMaintenanceRequest', () => {
  it('covers every alert of this host from now on by default', () => {
    expect(parseMaintenanceRequest({ duration: '30m', createdBy: 'bob' }, NOW, 'host-a')).toEqual({
      matchers: { host: 'host-a' },
      until: NOW + HOUR / 2,
      comment: 'maintenance window',
      createdBy: 'bob',
    });
  });

  it('keeps given matchers and puts the comment after the maintenance mark', () => {
    const body = { duration: '2h', matchers: { container: 'db-*' }, comment: 'upgrade', createdBy: 'bob' };
    expect(parseMaintenanceRequest(body, NOW, 'host-a')).toEqual({
      matchers: { container: 'db-*' },
      until: NOW + 2 * HOUR,
      comment: 'maintenance window: upgrade',
      createdBy: 'bob',
    });
  });

  it.each(
    byError([
      [{ createdBy: 'bob' }, 'duration: is required'],
      [{ duration: '30m' }, 'createdBy: is required'],
      [{ duration: '30m', matchers: {}, createdBy: 'bob' }, 'matchers: must not be empty (a silence needs a matcher)'],
      [
        { duration: '30m', until: '2026-01-01T01:00:00Z', createdBy: 'bob' },
        'until: unknown field (known fields: duration, matchers, comment, createdBy)',
      ],
      [{ duration: '40d', createdBy: 'bob' }, 'duration: "40d" is above the maximum 30d'],
    ]),
  )('refuses with 400: %s', (error, body) => {
    expect(maintenance(body)).toEqual({ status: 400, error });
  });
});

describe('parseJsonBody', () => {
  it('parses JSON', () => {
    expect(parseJsonBody(' {"a": [1]} ')).toEqual({ a: [1] });
  });

  it('refuses an empty body', () => {
    expect(refusal(() => parseJsonBody(''))).toEqual({
      status: 400,
      error: 'the request body is empty (send a JSON object)',
    });
  });

  it('refuses what is not JSON, saying why', () => {
    const { status, error } = refusal(() => parseJsonBody('{"matchers": }'));
    expect(status).toBe(400);
    expect(error).toMatch(/^the request body is not valid JSON: Unexpected token/);
  });
});
