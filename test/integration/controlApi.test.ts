import http from 'node:http';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { removeTestContainers, runTestContainer, testDocker, waitFor } from '../support/engine';
import { startRecordingServer, type RecordingServer } from '../support/recordingServer';

const TOKEN = 'ctl-test-token-0123456789abcdef';
const HOST = 'ctl-host';
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

type Answer = { status: number; headers: Headers; body: Record<string, unknown> | undefined; text: string };
type Sent = { rule: string; status: string; alerts: { labels: Record<string, string>; lines?: string[] }[] };
type AlertJson = { rule: string; state: string; labels: Record<string, string>; silencedBy?: string };
type Call = { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> };

/** Calls the agent's control API; `body` is sent as JSON, `raw` as is. */
async function call(agent: TestAgent, method: string, path: string, opts: Call = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${agent.url}${path}`, { method, headers, body });
  const text = await res.text();
  const json = res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, body: json as Record<string, unknown> | undefined, text };
}

/** A request through node:http, for what fetch will not send: another Host header, a body in chunks of unknown length. */
function rawRequest(
  agent: TestAgent,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; chunks?: string[] } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${agent.url}${path}`, { method, headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const chunk of opts.chunks ?? []) req.write(chunk);
    req.end();
  });
}

/** Waits until the agent reports the engine up (connected, event stream open): stopping earlier leaks a socket. */
async function engineUp(agent: TestAgent, token?: string): Promise<Answer> {
  return waitFor(
    async () => {
      const answer = await call(agent, 'GET', '/api/v1/host', token === undefined ? {} : { token });
      return answer.body?.engineUp === true && answer;
    },
    { what: 'the engine to be up', timeoutMs: 30_000 },
  );
}

/** The webhook notifications that concern `container`. */
function sentFor(server: RecordingServer, container: string): Sent[] {
  return server
    .requestsTo('/hook')
    .map((r) => JSON.parse(r.body) as Sent)
    .filter((n) => n.alerts.some((a) => a.labels.container === container));
}

describe('the control API with agent.token', () => {
  let server: RecordingServer;
  let agent: TestAgent;
  const authed = (method: string, path: string, opts: Call = {}) =>
    call(agent, method, path, { token: TOKEN, ...opts });

  /** The firing alert of `container` once the API lists it. */
  const firingAlertOf = (container: string) =>
    waitFor(
      async () => {
        const alerts = (await authed('GET', '/api/v1/alerts')).body?.alerts as AlertJson[];
        return alerts.find((a) => a.labels.container === container && a.state === 'firing');
      },
      { what: `the firing alert of ${container}`, timeoutMs: 30_000 },
    );

  beforeAll(async () => {
    await removeTestContainers();
    server = await startRecordingServer();
    agent = await startTestAgent(
      [
        'agent:',
        `  token: ${TOKEN}`,
        `  hostName: ${HOST}`,
        'alerts:',
        '  groupWait: 100ms',
        '  groupWindow: 500ms',
        '  rules:',
        "    - { name: payment-failed, kind: log, contains: 'PAYMENT FAILED', resolveAfter: 10m }",
        '  routes:',
        '    - { notifiers: [hook] }',
        'notifiers:',
        `  - { name: hook, type: webhook, url: "${server.url}/hook" }`,
      ].join('\n'),
    );
    await engineUp(agent, TOKEN);
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await server?.stop();
    await removeTestContainers();
  });

  it('refuses a missing or wrong token with 401 without echoing it; /metrics stays open', async () => {
    const missing = await call(agent, 'GET', '/api/v1/host');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="dockwatch"');
    expect(missing.body).toEqual({
      error: 'this request needs an Authorization: Bearer <token> header (agent.token)',
    });
    const wrong = await call(agent, 'POST', '/api/v1/silences', {
      token: `${TOKEN}-guess`,
      body: { matchers: { container: '*' }, duration: '1h', createdBy: 'mallory' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'the bearer token is wrong' });
    expect(wrong.text).not.toContain(TOKEN);
    expect((await call(agent, 'GET', '/api/v1/nothing-here')).status).toBe(401);
    expect((await authed('GET', '/api/v1/silences')).body).toEqual({ silences: [] });
    expect((await agent.scrapeText()).status).toBe(200);
  });

  it('names the host, the version and whether the engine is up', async () => {
    const host = await engineUp(agent, TOKEN);
    expect(host.status).toBe(200);
    expect(host.body).toEqual({ hostName: HOST, version: '0.1.0', engineUp: true });
  });

  it('creates a silence that holds back a real alert until it is deleted', async () => {
    const before = Date.now();
    const created = await authed('POST', '/api/v1/silences', {
      body: { matchers: { container: 'dwtest-hushed-*' }, duration: '1h', comment: 'known issue', createdBy: 'alice' },
    });
    expect(created.status).toBe(201);
    const silence = created.body as { id: string; until: string };
    expect(created.headers.get('location')).toBe(`/api/v1/silences/${silence.id}`);
    expect(created.body).toEqual({
      id: silence.id,
      matchers: { container: 'dwtest-hushed-*' },
      until: expect.stringMatching(RFC3339),
      comment: 'known issue',
      createdBy: 'alice',
      createdAt: expect.stringMatching(RFC3339),
      source: 'runtime',
    });
    expect(Date.parse(silence.until)).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(Date.parse(silence.until)).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect((await authed('GET', '/api/v1/silences')).body).toEqual({ silences: [created.body] });

    const line = 'sleep 0.3; echo "PAYMENT FAILED order=17"; sleep 600';
    const hushed = await runTestContainer({ name: 'hushed', cmd: ['sh', '-c', line] });
    const loud = await runTestContainer({ name: 'loud', cmd: ['sh', '-c', line] });
    await waitFor(async () => sentFor(server, loud.name).length > 0, {
      what: 'the unsilenced twin to be notified',
      timeoutMs: 30_000,
    });
    const alert = await firingAlertOf(hushed.name);
    expect(alert).toMatchObject({ rule: 'payment-failed', silencedBy: silence.id });
    expect(alert.labels).toMatchObject({ alertname: 'payment-failed', host: HOST, container: hushed.name });
    expect(sentFor(server, hushed.name)).toEqual([]);

    const full = ((await authed('GET', '/api/v1/alerts')).body?.alerts as Record<string, unknown>[]).find(
      (a) => a.key === `payment-failed{container="${loud.name}"}`,
    );
    expect(full).toMatchObject({
      rule: 'payment-failed',
      severity: 'warning',
      state: 'firing',
      activeAt: expect.stringMatching(RFC3339),
      firedAt: expect.stringMatching(RFC3339),
      lines: [expect.stringContaining('PAYMENT FAILED order=17')],
    });
    expect(full).not.toHaveProperty('silencedBy');

    const deleted = await authed('DELETE', `/api/v1/silences/${silence.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const sent = await waitFor(async () => sentFor(server, hushed.name)[0], {
      what: 'the alert to be notified once its silence was deleted',
      timeoutMs: 20_000,
    });
    expect(sent.status).toBe('firing');
    expect(sent.alerts[0]?.lines?.join('\n')).toContain('PAYMENT FAILED order=17');
    expect((await authed('GET', '/api/v1/silences')).body).toEqual({ silences: [] });
    const again = await authed('DELETE', `/api/v1/silences/${silence.id}`);
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ error: `no silence with id "${silence.id}"` });
  }, 60_000);

  it('opens a maintenance window over every alert of this host, listed and ended like a silence', async () => {
    const before = Date.now();
    const opened = await authed('POST', '/api/v1/maintenance', { body: { duration: '30m', createdBy: 'bob' } });
    expect(opened.status).toBe(201);
    const window = opened.body as { id: string; until: string };
    expect(opened.body).toMatchObject({
      matchers: { host: HOST },
      comment: 'maintenance window',
      createdBy: 'bob',
      source: 'runtime',
    });
    expect(Date.parse(window.until)).toBeGreaterThanOrEqual(before + 30 * 60_000);
    expect(Date.parse(window.until)).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
    expect((await authed('GET', '/api/v1/silences')).body).toEqual({ silences: [opened.body] });

    const c = await runTestContainer({ name: 'maint', cmd: ['sh', '-c', 'echo "PAYMENT FAILED order=99"; sleep 600'] });
    expect((await firingAlertOf(c.name)).silencedBy).toBe(window.id);
    expect(sentFor(server, c.name)).toEqual([]);

    expect((await authed('DELETE', `/api/v1/silences/${window.id}`)).status).toBe(204);
    await waitFor(async () => sentFor(server, c.name).length > 0, {
      what: 'the alert to be notified once the window ended',
      timeoutMs: 20_000,
    });
    expect(sentFor(server, c.name).map((s) => s.status)).toEqual(['firing']);
  }, 60_000);

  const silenceCases: [string, unknown, string][] = [
    ['an array body', [], 'the request body must be a JSON object, not a list'],
    ['no matchers', { duration: '1h', createdBy: 'a' }, 'matchers: is required'],
    [
      'empty matchers',
      { matchers: {}, duration: '1h', createdBy: 'a' },
      'matchers: must not be empty (a silence needs a matcher)',
    ],
    [
      'a number matcher',
      { matchers: { container: 1 }, duration: '1h', createdBy: 'a' },
      'matchers.container: expected a string, got 1',
    ],
    [
      'a bad duration',
      { matchers: { a: 'b' }, duration: '1 hour', createdBy: 'a' },
      'duration: "1 hour" is not a duration (use e.g. 30m, 1h, 2h30m)',
    ],
    [
      'a zero duration',
      { matchers: { a: 'b' }, duration: '0s', createdBy: 'a' },
      'duration: "0s" is below the minimum 1s',
    ],
    [
      'a too long duration',
      { matchers: { a: 'b' }, duration: '31d', createdBy: 'a' },
      'duration: "31d" is above the maximum 30d',
    ],
    [
      'a past until',
      { matchers: { a: 'b' }, until: '2020-01-01T00:00:00Z', createdBy: 'a' },
      'until: "2020-01-01T00:00:00Z" is not in the future',
    ],
    [
      'a bad until',
      { matchers: { a: 'b' }, until: 'friday', createdBy: 'a' },
      'until: "friday" is not an RFC 3339 time (e.g. 2026-12-31T00:00:00Z)',
    ],
    [
      'duration and until',
      { matchers: { a: 'b' }, duration: '1h', until: '2099-01-01T00:00:00Z', createdBy: 'a' },
      'until: give duration or until, not both',
    ],
    ['no createdBy', { matchers: { a: 'b' }, duration: '1h' }, 'createdBy: is required'],
    [
      'an unknown field',
      { matchers: { a: 'b' }, duration: '1h', createdBy: 'a', expires: '1h' },
      'expires: unknown field (known fields: matchers, duration, until, comment, createdBy)',
    ],
  ];

  it.each(silenceCases)('refuses a silence with %s: 400 naming the field and value', async (_what, body, error) => {
    const answer = await authed('POST', '/api/v1/silences', { body });
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 400, body: { error } });
  });

  it('refuses a maintenance window with bad fields: 400 naming them', async () => {
    const answer = await authed('POST', '/api/v1/maintenance', {
      body: { duration: 'soon', createdBy: 'bob', host: 'x' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error:
        'host: unknown field (known fields: duration, matchers, comment, createdBy); ' +
        'duration: "soon" is not a duration (use e.g. 30m, 1h, 2h30m)',
    });
  });

  it('refuses bodies that are not JSON, not sent as JSON, or too large', async () => {
    const broken = await authed('POST', '/api/v1/silences', { raw: '{"matchers": ' });
    expect(broken.status).toBe(400);
    expect(broken.body?.error).toMatch(/^the request body is not valid JSON: /);
    const empty = await authed('POST', '/api/v1/silences', { raw: '' });
    expect(empty.body).toEqual({ error: 'the request body is empty (send a JSON object)' });
    const form = await authed('POST', '/api/v1/silences', {
      raw: 'matchers=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect({ status: form.status, body: form.body }).toEqual({
      status: 415,
      body: {
        error:
          'the request body must be sent as content-type application/json, got "application/x-www-form-urlencoded"',
      },
    });
    const huge = await authed('POST', '/api/v1/silences', {
      body: { matchers: { a: 'b' }, duration: '1h', createdBy: 'a', comment: 'x'.repeat(70_000) },
    });
    expect({ status: huge.status, body: huge.body }).toEqual({
      status: 413,
      body: { error: 'the request body is larger than 65536 bytes' },
    });
    const streamed = await rawRequest(agent, 'POST', '/api/v1/silences', {
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      chunks: ['{"comment": "', 'x'.repeat(40_000), 'x'.repeat(40_000), '"}'],
    });
    expect(streamed).toEqual({ status: 413, body: '{"error":"the request body is larger than 65536 bytes"}' });
    expect((await authed('GET', '/api/v1/silences')).body).toEqual({ silences: [] });
  });

  it('answers 404 for unknown endpoints and 405 with Allow for wrong methods', async () => {
    const unknown = await authed('GET', '/api/v1/silence');
    expect({ status: unknown.status, body: unknown.body }).toEqual({
      status: 404,
      body: { error: 'no such endpoint: /api/v1/silence' },
    });
    const wrong = await authed('PUT', '/api/v1/silences', { body: {} });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
    expect(wrong.body).toEqual({ error: 'PUT is not allowed on /api/v1/silences (allowed: GET, POST)' });
    const unknownId = await authed('DELETE', '/api/v1/silences/nope');
    expect({ status: unknownId.status, body: unknownId.body }).toEqual({
      status: 404,
      body: { error: 'no silence with id "nope"' },
    });
  });
});

describe('the control API without agent.token', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent(`agent: { hostName: ${HOST} }`);
    await engineUp(agent);
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
  });

  it('answers loopback clients that ask for a loopback host', async () => {
    const host = await call(agent, 'GET', '/api/v1/host');
    expect(host.status).toBe(200);
    expect(host.body).toMatchObject({ hostName: HOST, version: '0.1.0' });
  });

  it('refuses a request for another host name (a DNS-rebinding web page) with 403', async () => {
    const answer = await rawRequest(agent, 'GET', '/api/v1/silences', { headers: { host: 'attacker.example:9417' } });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({
      error:
        'without agent.token the control API answers requests to a loopback host only, got Host "attacker.example:9417"',
    });
  });

  it('refuses a form post (what a web page can send without a preflight) with 415', async () => {
    const answer = await call(agent, 'POST', '/api/v1/silences', {
      raw: JSON.stringify({ matchers: { a: 'b' }, duration: '1h', createdBy: 'page' }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(answer.status).toBe(415);
    expect((await call(agent, 'GET', '/api/v1/silences')).body).toEqual({ silences: [] });
  });
});

describe('the container endpoints of the control API', () => {
  let agent: TestAgent;
  let shown: { id: string; name: string };
  let hidden: { id: string; name: string };
  const authed = (method: string, path: string, opts: Call = {}) =>
    call(agent, method, path, { token: TOKEN, ...opts });
  const running = async (id: string) => (await testDocker().getContainer(id).inspect()).State.Running;

  beforeAll(async () => {
    await removeTestContainers();
    agent = await startTestAgent(
      [
        'agent:',
        `  token: ${TOKEN}`,
        `  hostName: ${HOST}`,
        'containers:',
        '  exclude: { labels: { dockwatch.hidden: "1" } }',
      ].join('\n'),
    );
    await engineUp(agent, TOKEN);
    const cmd = ['sh', '-c', 'echo "hello from the api"; echo "ERROR api" >&2; exec sleep 3600'];
    shown = await runTestContainer({ name: 'api-shown', cmd, stopTimeoutSeconds: 1 });
    hidden = await runTestContainer({ name: 'api-hidden', cmd, labels: { 'dockwatch.hidden': '1' } });
    await waitFor(
      async () => {
        const list = (await authed('GET', '/api/v1/containers')).body?.containers as { id: string }[] | undefined;
        return list?.some((c) => c.id === shown.id);
      },
      { what: 'the shown container in GET /api/v1/containers', timeoutMs: 20_000 },
    );
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await removeTestContainers();
  });

  it('refuses every new route without the token or with a wrong one (401) and answers with it', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/v1/hosts'],
      ['GET', '/api/v1/containers'],
      ['GET', `/api/v1/containers/${shown.id}/stats`],
      ['GET', `/api/v1/containers/${shown.id}/logs?tail=5`],
      ['GET', `/api/v1/containers/${shown.id}/inspect`],
      ['GET', `/api/v1/containers/${shown.id}/history`],
      ['POST', `/api/v1/containers/${shown.id}/start`, { by: 'mallory' }],
      ['POST', `/api/v1/containers/${shown.id}/stop`, { by: 'mallory' }],
      ['POST', `/api/v1/containers/${shown.id}/restart`, { by: 'mallory' }],
      ['POST', `/api/v1/containers/${shown.id}/rollback`, { by: 'mallory' }],
    ];
    for (const [method, path, body] of routes) {
      const opts = body === undefined ? {} : { body };
      expect([path, (await call(agent, method, path, opts)).status]).toEqual([path, 401]);
      const wrong = await call(agent, method, path, { ...opts, token: `${TOKEN}x` });
      expect([path, wrong.status, wrong.text.includes(TOKEN)]).toEqual([path, 401, false]);
    }
    expect(await running(shown.id)).toBe(true);
    for (const [, path] of routes.filter(([method]) => method === 'GET')) {
      expect([path, (await authed('GET', path)).status]).toEqual([path, 200]);
    }
    const hosts = await authed('GET', '/api/v1/hosts');
    expect(hosts.body).toMatchObject({ hosts: [{ name: HOST, engineUp: true }] });
  });

  it('answers 404 for a container the agent does not watch, and the engine never sees the request', async () => {
    for (const id of [hidden.id, 'nope', '..%2F..%2Fcontainers%2Fjson', shown.id.slice(0, 12)]) {
      const inspect = await authed('GET', `/api/v1/containers/${id}/inspect`);
      expect([id, inspect.status]).toEqual([id, 404]);
      expect(inspect.body?.error).toMatch(/^no container with id ".*" on ctl-host$/);
    }
    const stop = await authed('POST', `/api/v1/containers/${hidden.id}/stop`, { body: { by: 'mallory' } });
    expect(stop.status).toBe(404);
    expect(stop.body).toEqual({ error: `no container with id "${hidden.id}" on ${HOST}` });
    expect(await running(hidden.id)).toBe(true);
  });

  it('reads the logs with tail and grep, and names a bad grep with 400', async () => {
    const lines = await waitFor(
      async () => {
        const answer = await authed(
          'GET',
          `/api/v1/containers/${shown.id}/logs?tail=10&grep=${encodeURIComponent('^ERROR')}`,
        );
        const found = answer.body?.lines as { stream: string; text: string }[] | undefined;
        return found?.length ? found : undefined;
      },
      { what: 'the ERROR line' },
    );
    expect(lines.map((l) => [l.stream, l.text])).toEqual([['stderr', 'ERROR api']]);
    const bad = await authed('GET', `/api/v1/containers/${shown.id}/logs?grep=${encodeURIComponent('(unclosed')}`);
    expect(bad.status).toBe(400);
    expect(bad.body?.error).toBe('grep: "(unclosed" is not a valid regular expression (Unterminated group)');
    const long = await authed('GET', `/api/v1/containers/${shown.id}/logs?grep=${'a'.repeat(201)}`);
    expect(long.body?.error).toBe('grep: the expression is too long (201 characters; at most 200)');
    const tail = await authed('GET', `/api/v1/containers/${shown.id}/logs?tail=-1&lines=3`);
    expect(tail.status).toBe(400);
    expect(tail.body?.error).toBe(
      '"lines": unknown parameter (known: tail, since, grep); tail: "-1" is not a whole number from 0 to 10000',
    );
  });

  it('streams an action as NDJSON and refuses a body without `by`', async () => {
    const noBy = await authed('POST', `/api/v1/containers/${shown.id}/stop`, { body: {} });
    expect(noBy.status).toBe(400);
    expect(noBy.body).toEqual({ error: 'by: required, the name of who asked' });
    const stop = await authed('POST', `/api/v1/containers/${shown.id}/stop`, { body: { by: 'alice' } });
    expect(stop.status).toBe(200);
    expect(stop.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = stop.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toEqual({ result: expect.stringContaining(shown.name) });
    expect(await running(shown.id)).toBe(false);
    const rollback = await authed('POST', `/api/v1/containers/${shown.id}/rollback`, { body: { by: 'alice', to: 7 } });
    const last = JSON.parse(rollback.text.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(last).toEqual({ error: expect.stringMatching(/revision 7/), kind: 'agent' });
  });
});
