import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTH_FAILURE_LIMIT } from '../../shared/authFailureThrottle';
import { MAX_BODY_BYTES } from '../../api/controlApiHttp';
import { CLIENT_IDLE_TIMEOUT_MS, MAX_CONNECTIONS_PER_ADDRESS } from '../../shared/httpServerLimits';
import { BUILT_CLI } from '../support/ctlProcess';
import { removeTestContainers, runTestContainer, testDocker, testRunId, waitFor } from '../support/engine';
import { FakeSlack } from '../support/fakeSlack';
import { freePort } from '../support/freePort';
import { exchange, hugeUpload, RawClient, rawStatus, type ExchangeOptions } from '../support/rawHttpClient';

// `dockwatch run` (the built CLI) with the control API behind a token and the Slack endpoint in HTTP mode, attacked
// through its sockets by the clients below. Needs `npm run build`.

const TOKEN = 'hostile-test-token-5b1f0c9e2d';
const WRONG_TOKEN = 'wrong-token-a7c3e9d1f0';
const SLACK_TOKEN = 'xoxb-0000-hostile-bot-token';
const SIGNING_SECRET = 'hostile-signing-secret-8d2e';
const ADMIN = 'U0ADMIN';
const HUGE = 100 * 1024 * 1024;
/** Well past the idle timeout and the headers/request timeouts (each checked every second), generous for CI. */
const DROPPED_WITHIN_MS = CLIENT_IDLE_TIMEOUT_MS + 15_000;
const AUTH = { authorization: `Bearer ${TOKEN}` };

const dir = mkdtempSync(join(tmpdir(), 'dockwatch-hostile-'));
let agentPort: number;
let slackPort: number;
let child: ChildProcess;
let log = '';
let fake: FakeSlack;
let victim: { id: string; name: string };

const api = (method: string, path: string, opts: ExchangeOptions = {}) => exchange(agentPort, method, path, opts);
const json = (body: unknown) => ({
  headers: { ...AUTH, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const raw = (body: string) => ({ headers: { ...AUTH, 'content-type': 'application/json' }, body });

/** The agent's peak resident memory so far (VmHWM), in bytes. */
function peakRss(): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
}

/** A body signed as Slack signs it (`v0=` HMAC-SHA256 of `v0:ts:body`), with `secret`. */
function slackHeaders(body: string, type: string, secret = SIGNING_SECRET): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'content-type': type, 'x-slack-request-timestamp': ts, 'x-slack-signature': signature };
}

/** A slash command's form body, answering on the fake's response_url `n`. */
function slashBody(text: string, n: number): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T0TEST',
    channel_id: 'C0OPS',
    user_id: ADMIN,
    user_name: 'admin',
    command: '/dockwatch',
    text,
    api_app_id: 'A0TEST',
    response_url: `${fake.url}/respond/${n}`,
    trigger_id: `trigger-${n}`,
  }).toString();
}

const slack = (body: string, headers: Record<string, string>, localAddress?: string) =>
  exchange(slackPort, 'POST', '/slack/events', { headers, body, ...(localAddress ? { localAddress } : {}) });

async function victimRunning(): Promise<boolean> {
  return (await testDocker().getContainer(victim.id).inspect()).State.Running;
}

beforeAll(async () => {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run npm run build first`);
  [agentPort, slackPort] = await Promise.all([freePort(), freePort()]);
  victim = await runTestContainer({ name: 'hostile-victim', cmd: ['sleep', '600'], stopTimeoutSeconds: 1 });
  fake = await FakeSlack.start({ token: SLACK_TOKEN, signingSecret: SIGNING_SECRET });
  fake.appUrl = `http://127.0.0.1:${slackPort}/slack/events`;
  const config = join(dir, 'dockwatch.yaml');
  writeFileSync(
    config,
    [
      'agent:',
      `  listen: 127.0.0.1:${agentPort}`,
      `  dataDir: ${JSON.stringify(join(dir, 'data'))}`,
      '  hostName: hostile-host',
      `  token: ${TOKEN}`,
      '  logLevel: info',
      'stats: { interval: 1s }',
      'containers:',
      `  include: { labels: { dockwatch.test.run: "${testRunId}" } }`,
      'bot:',
      '  slack:',
      `    token: ${SLACK_TOKEN}`,
      `    signingSecret: ${SIGNING_SECRET}`,
      `    listen: 127.0.0.1:${slackPort}`,
      `    apiUrl: ${fake.apiUrl}`,
      '  roles: { admin: { commands: ["*"] } }',
      `  members: [{ role: admin, slackUsers: [${ADMIN}] }]`,
    ].join('\n'),
  );
  child = spawn('node', [BUILT_CLI, '--config', config, 'run'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`dockwatch run exited ${child.exitCode}:\n${log}`);
      const host = await api('GET', '/api/v1/host', { headers: AUTH }).catch(() => undefined);
      const listening = await exchange(slackPort, 'GET', '/').catch(() => undefined);
      return host?.status === 200 && JSON.parse(host.body).engineUp === true && listening !== undefined;
    },
    { what: 'dockwatch run to answer on its listener and its Slack endpoint', timeoutMs: 40_000 },
  );
}, 60_000);

afterAll(async () => {
  try {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await fake?.stop();
  } finally {
    await removeTestContainers();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

describe('hostile clients against the control API, /metrics and the Slack endpoint', () => {
  it('answers malformed, deeply nested and mistyped JSON with a 400 naming the problem, and runs nothing', async () => {
    const cases: [string, string, RegExp][] = [
      ['/api/v1/silences', '{"matchers": {', /not valid JSON/],
      ['/api/v1/silences', '['.repeat(60_000), /not valid JSON/],
      ['/api/v1/silences', `${'['.repeat(30_000)}${']'.repeat(30_000)}`, /must be a JSON object, not a list/],
      [
        '/api/v1/silences',
        `{"matchers": ${'['.repeat(20_000)}${']'.repeat(20_000)}, "duration": "1h", "createdBy": "x"}`,
        /matchers: expected an object/,
      ],
      [
        '/api/v1/silences',
        JSON.stringify({ matchers: { container: 5 }, duration: 10, createdBy: [] }),
        /matchers\.container: expected a string.*duration: 10 is not a duration.*createdBy: expected a string/,
      ],
      ['/api/v1/maintenance', JSON.stringify({ duration: '1h', createdBy: 'x', matchers: null }), /matchers/],
      ['/api/v1/maintenance', 'null', /must be a JSON object, not null/],
      [`/api/v1/containers/${victim.id}/stop`, JSON.stringify({ by: 5 }), /by/],
      [`/api/v1/containers/${victim.id}/stop`, '"stop"', /must be a JSON object/],
      [`/api/v1/containers/${victim.id}/exec`, JSON.stringify({ by: 'x', argv: 'kill 1', timeoutMs: 5000 }), /argv/],
      [`/api/v1/containers/${victim.id}/rm`, `{"by": "x", "force": true, "force": "yes"}`, /force/],
    ];
    for (const [path, body, problem] of cases) {
      const answer = await api('POST', path, raw(body));
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(JSON.parse(answer.body).error).toMatch(problem);
    }
    const deep = await api('POST', '/api/v1/silences', raw('['.repeat(100_000)));
    expect(deep.status).toBe(413);
    expect(JSON.parse(deep.body).error).toBe(`the request body is larger than ${MAX_BODY_BYTES} bytes`);
    expect(JSON.parse((await api('GET', '/api/v1/silences', { headers: AUTH })).body).silences).toEqual([]);
    expect(await victimRunning()).toBe(true);
  });

  it('answers signed but malformed Slack requests with a 400 and runs nothing', async () => {
    for (const [body, type] of [
      ['{"type": ', 'application/json'],
      [`payload=${encodeURIComponent('['.repeat(50_000))}`, 'application/x-www-form-urlencoded'],
    ] as const) {
      expect((await slack(body, slackHeaders(body, type))).status).toBe(400);
    }
    expect(fake.responses).toEqual([]);
  });

  it('refuses 100 MB bodies, declared or chunked, with 413 after reading a bounded part; memory stays bounded', async () => {
    const before = peakRss();
    const jsonHeaders = [`Authorization: Bearer ${TOKEN}`, 'Content-Type: application/json'];
    const signed = Object.entries(slackHeaders('', 'application/x-www-form-urlencoded')).map(([k, v]) => `${k}: ${v}`);
    const uploads = [
      { port: agentPort, path: '/api/v1/silences', headers: jsonHeaders, status: 413 },
      { port: agentPort, path: '/api/v1/silences', headers: [`Authorization: Bearer ${WRONG_TOKEN}`], status: 401 },
      { port: agentPort, path: '/metrics', headers: [], status: 405 },
      { port: slackPort, path: '/slack/events', headers: signed, status: 413 },
    ];
    for (const upload of uploads) {
      for (const chunked of [false, true]) {
        const got = await hugeUpload(upload.port, upload.path, upload.headers, { size: HUGE, chunked });
        const what = `${upload.path} on :${upload.port}, ${chunked ? 'chunked' : 'declared'}`;
        expect({ what, status: got.status, closed: got.closed }).toEqual({ what, status: upload.status, closed: true });
        expect(got.sent).toBeLessThan(HUGE / 4);
      }
    }
    expect(peakRss() - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('answers 64 KB of headers with 431 on both servers', async () => {
    const big = `X-Padding: ${'a'.repeat(64 * 1024)}`;
    expect(await rawStatus(agentPort, 'GET /api/v1/host HTTP/1.1', [`Authorization: Bearer ${TOKEN}`, big])).toBe(431);
    expect(await rawStatus(agentPort, 'GET /metrics HTTP/1.1', [big])).toBe(431);
    expect(await rawStatus(slackPort, 'POST /slack/events HTTP/1.1', [big])).toBe(431);
  });

  it('rejects path tricks and unknown methods with 400/404/405, never acting on the container', async () => {
    const id = victim.id;
    const gets = [
      '/api/v1/../api/v1/host',
      '/api/v1/%2e%2e/v1/host',
      '/api/v1/%252e%252e/host',
      '/api//v1/host',
      '//api/v1/host',
      '/api/v1/host/',
      '/api/v1/HOST',
      `/api/v1/containers/${id}%2finspect`,
      '/api/v1/containers/%2e%2e/inspect',
      '/api/v1/containers/%ZZ/inspect',
      '/api/v1/containers/%00/inspect',
      `/api/v1/containers/${'a'.repeat(12_000)}/inspect`,
      '/api/v1/removed/..%2f..%2fetc%2fpasswd/history',
      '/api/v1/removed/a%2fb/history',
      '/metrics/../api/v1/host',
    ];
    for (const path of gets) {
      const answer = await api('GET', path, { headers: AUTH });
      expect({ path: path.slice(0, 80), status: [400, 404].includes(answer.status) }).toEqual({
        path: path.slice(0, 80),
        status: true,
      });
      expect(answer.body.length).toBeLessThan(2000);
    }
    const posts = [
      `/api/v1/containers/${victim.name}/stop`,
      `/api/v1/containers/${id.slice(0, 12)}/stop`,
      `/api/v1/containers/..%2fcontainers%2f${id}/stop`,
      `/api/v1/containers/${id}/../${id}/stop`,
      `/api/v1/containers/${id}%2fstop/stop`,
      `/api/v1/containers/${id}/stop/`,
      `/api/v1/containers/${id}/STOP`,
      `/api/v1/containers/%20${id}/stop`,
      `/api/v1/containers/${id}%00/stop`,
      `/api/v1/removed/${victim.name}%2f..%2f${victim.name}/rollback`,
    ];
    for (const path of posts) {
      const answer = await api('POST', path, json({ by: 'hostile' }));
      expect({ path, status: [400, 404].includes(answer.status) }).toEqual({ path, status: true });
    }
    for (const [method, path] of [
      ['PUT', '/api/v1/host'],
      ['PATCH', `/api/v1/containers/${id}/stop`],
      ['DELETE', `/api/v1/containers/${id}/stop`],
      ['OPTIONS', '/api/v1/silences'],
      ['TRACE', '/api/v1/host'],
      ['POST', '/metrics'],
    ]) {
      expect({ method, path, status: (await api(method as string, path as string, { headers: AUTH })).status }).toEqual(
        {
          method,
          path,
          status: 405,
        },
      );
    }
    expect(await rawStatus(agentPort, `GET /api/v1/${'x'.repeat(20_000)} HTTP/1.1`, [])).toBe(431);
    for (const head of ['BREW /api/v1/host HTTP/1.1', 'GET /api/v1/host HTTP/9.9', 'GET api/v1/host HTTP/1.1']) {
      const client = await RawClient.connect(agentPort);
      await client.write(`${head}\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
      expect(await client.closesWithin(5000)).toBe(true);
      expect({ head, status: client.status }).toEqual({ head, status: 400 });
    }
    const smuggled = await rawStatus(agentPort, 'POST /api/v1/silences HTTP/1.1', [
      `Authorization: Bearer ${TOKEN}`,
      'Content-Type: application/json',
      'Content-Length: 4',
      'Transfer-Encoding: chunked',
    ]);
    expect(smuggled).toBe(400);
    const connect = await RawClient.connect(agentPort);
    await connect.write(`CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n`);
    expect(await connect.closesWithin(5000)).toBe(true);
    expect(connect.received).not.toMatch(/^HTTP\/1\.1 200/);
    expect(await victimRunning()).toBe(true);
  });

  it(
    'drops slow and silent clients in bounded time, caps connections per address, and keeps answering everyone else',
    async () => {
      const started = Date.now();
      // A silent answer longer than the idle timeout is the agent working, not the client idling: it must go on.
      const longExec = api(
        'POST',
        `/api/v1/containers/${victim.id}/exec`,
        json({ by: 'hostile', argv: ['sleep', String(CLIENT_IDLE_TIMEOUT_MS / 1000 + 5)], timeoutMs: 60_000 }),
      );
      const silent = await Promise.all([RawClient.connect(agentPort), RawClient.connect(slackPort)]);
      const idleAfterAnswer = await RawClient.connect(agentPort);
      await idleAfterAnswer.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await waitFor(async () => idleAfterAnswer.status === 200, { what: 'the keep-alive answer' });
      const noBody = await RawClient.connect(agentPort);
      await noBody.write(
        `POST /api/v1/silences HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"matchers":',
      );
      const dripping = await Promise.all([RawClient.connect(agentPort), RawClient.connect(slackPort)]);
      const drip = async (client: RawClient) => {
        const head = `GET /api/v1/host HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(1000)}\r\n\r\n`;
        for (const byte of head) {
          if (!(await client.write(byte))) return;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      };
      const drips = dripping.map(drip);

      // 200 slow clients on four addresses hang on while others are answered; a fifth address opening 150
      // connections gets at most the per-address cap.
      const crowd = await Promise.all(
        Array.from({ length: 200 }, (_, i) => RawClient.connect(agentPort, `127.0.0.${2 + (i % 4)}`)),
      );
      for (let i = 0; i < 5; i++) {
        expect((await api('GET', '/api/v1/host', { headers: AUTH })).status).toBe(200);
        expect((await api('GET', '/metrics')).status).toBe(200);
      }
      expect(crowd.filter((c) => c.isClosed)).toHaveLength(0);
      const greedy = await Promise.all(
        Array.from({ length: MAX_CONNECTIONS_PER_ADDRESS + 50 }, () => RawClient.connect(agentPort, '127.0.0.6')),
      );
      await waitFor(async () => greedy.filter((c) => c.isClosed).length >= 50, {
        what: 'the connections past the per-address cap to be closed',
        timeoutMs: 5000,
      });
      expect(greedy.filter((c) => !c.isClosed).length).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_ADDRESS);
      expect((await api('GET', '/api/v1/host', { headers: AUTH })).status).toBe(200);

      const everyone = [...silent, idleAfterAnswer, noBody, ...dripping, ...crowd, ...greedy];
      const dropped = await Promise.all(
        everyone.map((c) => c.closesWithin(DROPPED_WITHIN_MS - (Date.now() - started))),
      );
      expect(dropped.filter((d) => !d)).toHaveLength(0);
      await Promise.all(drips);
      for (const client of [...silent, ...dripping]) expect([408, undefined]).toContain(client.status);
      expect(dripping.every((c) => !c.received.includes('hostile-host'))).toBe(true);

      const exec = await longExec;
      expect(exec.status).toBe(200);
      expect(JSON.parse(exec.body.trim().split('\n').pop() as string)).toMatchObject({
        exec: { exitCode: 0, timedOut: false },
      });
    },
    DROPPED_WITHIN_MS + 30_000,
  );

  it('answers an address that keeps sending wrong tokens 429 with Retry-After, logs it once, never the token', async () => {
    const from = '127.0.0.7';
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const answer = await api('GET', '/api/v1/alerts', {
        headers: { authorization: `Bearer ${WRONG_TOKEN}-${i}` },
        localAddress: from,
      });
      statuses.push(answer.status);
      if (answer.status === 429) expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(statuses.slice(0, AUTH_FAILURE_LIMIT).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(AUTH_FAILURE_LIMIT).every((s) => s === 429)).toBe(true);
    expect((await api('GET', '/api/v1/alerts', { headers: AUTH, localAddress: from })).status).toBe(429);
    expect((await api('GET', '/api/v1/alerts', { headers: AUTH })).status).toBe(200);

    // A success in between starts the count again.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < AUTH_FAILURE_LIMIT - 1; i++) {
        const wrong = { headers: { authorization: `Bearer ${WRONG_TOKEN}` }, localAddress: '127.0.0.8' };
        expect((await api('GET', '/api/v1/host', wrong)).status).toBe(401);
      }
      expect((await api('GET', '/api/v1/host', { headers: AUTH, localAddress: '127.0.0.8' })).status).toBe(200);
    }

    const lines = log.split('\n').filter((l) => l.includes(from));
    expect(lines.filter((l) => l.includes('too many refused requests'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('control API request refused'))).toHaveLength(1);
    expect(log).not.toContain(WRONG_TOKEN);
  });

  it('answers an address that keeps sending bad Slack signatures 429, while Slack itself is still answered', async () => {
    const statuses: number[] = [];
    const sslChecks: number[] = [];
    for (let i = 0; i < 30; i++) {
      const body = slashBody(`stop ${victim.name}`, 9000 + i);
      const headers = slackHeaders(body, 'application/x-www-form-urlencoded', 'not-the-secret');
      statuses.push((await slack(body, headers, '127.0.0.9')).status);
      // An unsigned ssl_check is answered 200 by bolt: it must not clear the count.
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      if (i % 5 === 0) sslChecks.push((await slack('ssl_check=1&token=x', form, '127.0.0.9')).status);
    }
    expect(sslChecks.slice(0, 2)).toEqual([200, 200]);
    expect(statuses.slice(0, AUTH_FAILURE_LIMIT).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(AUTH_FAILURE_LIMIT).every((s) => s === 429)).toBe(true);
    const sent = await fake.slashCommand({ userId: ADMIN, channelId: 'C0OPS', text: 'help' });
    expect(sent.status).toBe(200);
    await fake.reply(sent.n);
    expect(fake.responses.filter((r) => r.n >= 9000)).toEqual([]);
    expect(await victimRunning()).toBe(true);
    const throttled = log.split('\n').filter((l) => l.includes('too many requests with a bad signature'));
    expect(throttled).toHaveLength(1);
    expect(log).not.toContain('not-the-secret');
  });

  it('is still alive afterwards: /metrics, the control API and the Slack endpoint answer', async () => {
    expect(child.exitCode).toBeNull();
    expect((await api('GET', '/metrics')).status).toBe(200);
    const host = await api('GET', '/api/v1/host', { headers: AUTH });
    expect(JSON.parse(host.body)).toMatchObject({ hostName: 'hostile-host' });
    const sent = await fake.slashCommand({ userId: ADMIN, channelId: 'C0OPS', text: 'ps' });
    expect(sent.status).toBe(200);
    expect(JSON.stringify(await fake.reply(sent.n))).toContain(victim.name);
    expect(log).not.toMatch(/uncaught|unhandled/i);
  });
});
