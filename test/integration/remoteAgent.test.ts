import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../shared/logger';
import { openStore, type Store } from '../../agent/store/database';
import { buildCommandCore } from '../../bot';
import { AgentError, type AgentClient } from '../../bot/agentClient';
import { DnsFleet } from '../../bot/dnsFleet';
import type { Fleet } from '../../bot/fleet';
import { buildFleet } from '../../bot/fleetFromConfig';
import { InProcessAgent } from '../../api/inProcessAgent';
import { RemoteAgentClient } from '../../bot/remoteAgentClient';
import type { Identity } from '../../bot/core/identity';
import { botSchema } from '../../config/botSchema';
import { loadConfig } from '../../config/load';
import { docker, dockerRun } from '../support/dockerRun';
import { failure } from '../support/failure';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import {
  removeTestContainers,
  runTestContainer,
  TEST_IMAGE_V1,
  TEST_IMAGE_V2,
  testDocker,
  waitFor,
  type TestContainer,
} from '../support/engine';
import { removeKeepTags } from '../support/keepTags';
import { makeTlsFiles, type TlsFiles } from '../support/tlsCerts';

const TOKEN_A = 'remote-test-token-a-0123456789';
const TOKEN_B = 'remote-test-token-b-0123456789';
const HOST_A = 'dw-remote-a';
const HOST_B = 'dw-remote-b';
const logger = createLogger({ level: 'error', format: 'text', silent: true });
const root: Identity = { platform: 'console', userId: 'root' };
const signal = () => new AbortController().signal;

/** The config an in-process client of the harness's agent needs (the same selector and host name). */
function inProcessConfig(hostName: string) {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-remote-cfg-'));
  const file = join(dir, 'dockwatch.yaml');
  writeFileSync(
    file,
    [
      'agent:',
      `  hostName: ${hostName}`,
      'stats:',
      '  interval: 1s',
      'containers:',
      '  include: { labels: { dockwatch.test: "1" } }',
    ].join('\n'),
  );
  const config = loadConfig({ file, env: {} });
  rmSync(dir, { recursive: true, force: true });
  return config;
}

/** Waits until `client` lists the container, and returns its record. */
function listed(client: AgentClient, name: string) {
  return waitFor(async () => (await client.containers()).find((r) => r.name === name), {
    what: `${name} in ${client.hostName()}'s inventory`,
    timeoutMs: 20_000,
  });
}

describe('agents over the network', () => {
  let a: TestAgent;
  let b: TestAgent;
  let app: TestContainer;
  let remoteA: RemoteAgentClient;
  let local: InProcessAgent;
  const names: string[] = [];

  beforeAll(async () => {
    await removeTestContainers();
    [a, b] = await Promise.all([
      startTestAgent(`agent:\n  token: ${TOKEN_A}\n  hostName: ${HOST_A}\n`),
      startTestAgent(`agent:\n  token: ${TOKEN_B}\n  hostName: ${HOST_B}\n`),
    ]);
    app = await runTestContainer({
      name: 'remote-app',
      cmd: ['sh', '-c', 'for i in 1 2 3 4 5; do echo "line $i"; done; echo "ERROR oops" >&2; exec sleep 3600'],
      stopTimeoutSeconds: 1,
    });
    names.push(app.name);
    remoteA = new RemoteAgentClient({ url: a.url, token: TOKEN_A });
    local = new InProcessAgent(a.agent, { config: inProcessConfig(HOST_A), actions: a.agent.actions });
    await listed(remoteA, app.name);
    await waitFor(async () => (await local.history(app.id)).length > 0, { what: 'revision 1 of the app' });
  }, 60_000);

  afterAll(async () => {
    remoteA?.close();
    await a?.stop();
    await b?.stop();
    await removeTestContainers();
    await removeKeepTags(names);
  });

  it('reports the configured name, else the name the agent gives', async () => {
    expect(remoteA.hostName()).toBe(`http://127.0.0.1:${a.agent.address.port}`);
    expect(await remoteA.identify()).toBe(HOST_A);
    expect(remoteA.hostName()).toBe(HOST_A);
    const named = new RemoteAgentClient({ url: a.url, token: TOKEN_A, name: 'web-1' });
    expect(named.hostName()).toBe('web-1');
    expect((await named.hosts()).map((h) => h.name)).toEqual(['web-1']);
    named.close();
  });

  it('returns the same containers, inspect, history and log lines as the in-process client', async () => {
    const byId = (list: { id: string }[]) => [...list].sort((x, y) => x.id.localeCompare(y.id));
    expect(byId(await remoteA.containers())).toEqual(byId(await local.containers()));
    expect(await remoteA.inspect(app.id, signal())).toEqual(await local.inspect(app.id, signal()));
    expect(await remoteA.history(app.id, signal())).toEqual(await local.history(app.id));
    await waitFor(async () => (await local.logs(app.id, { tail: 10, signal: signal() })).length === 6, {
      what: 'the six log lines',
    });
    const query = { tail: 4, signal: signal() };
    expect(await remoteA.logs(app.id, query)).toEqual(await local.logs(app.id, query));
    const grep = { tail: 100, grep: /^line [24]$|oops/, signal: signal() };
    const lines = await remoteA.logs(app.id, grep);
    expect(lines.map((l) => `${l.stream} ${l.text}`).sort()).toEqual([
      'stderr ERROR oops',
      'stdout line 2',
      'stdout line 4',
    ]);
    expect(lines).toEqual(await local.logs(app.id, grep));
    const hosts = await remoteA.hosts();
    expect(hosts).toEqual(await local.hosts());
  });

  it('restarts a container for real through the remote client', async () => {
    const before = (await testDocker().getContainer(app.id).inspect()).State.StartedAt;
    const result = await remoteA.restart(app.id, { by: 'alice', signal: signal() });
    expect(result).toContain(app.name);
    const after = (await testDocker().getContainer(app.id).inspect()).State;
    expect(after.Running).toBe(true);
    expect(after.StartedAt).not.toBe(before);
  });

  it('streams the steps of a rollback before its result', async () => {
    const name = `dwtest-remote-rb-${randomBytes(3).toString('hex')}`;
    names.push(name);
    const revision = (n: number) =>
      waitFor(async () => a.agent.revisions.latest(name)?.revision === n, {
        what: `revision ${n} of ${name}`,
        timeoutMs: 20_000,
      });
    await dockerRun(name, TEST_IMAGE_V1, ['--stop-timeout', '1'], ['sleep', '3600']);
    await revision(1);
    await docker('rm', '-f', name);
    await dockerRun(name, TEST_IMAGE_V2, ['--stop-timeout', '1'], ['sleep', '3600']);
    await revision(2);
    await waitFor(async () => (await a.agent.actions.history(name)).find((r) => r.revision === 1)?.kept, {
      what: `the keep tag of revision 1 of ${name}`,
      timeoutMs: 20_000,
    });
    const record = await listed(remoteA, name);
    const seen: string[] = [];
    const result = await remoteA.rollback(record.id, undefined, {
      by: 'alice',
      signal: signal(),
      onProgress: (step) => seen.push(`progress ${step}`),
    });
    seen.push(`result ${result}`);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.slice(0, -1).every((s) => s.startsWith('progress '))).toBe(true);
    expect(seen).toContain('progress stop: done');
    expect(seen.at(-1)).toMatch(/^result .*revision 1/);
    const now = await testDocker().getContainer(name).inspect();
    expect(await docker('image', 'inspect', '--format', '{{.Id}}', TEST_IMAGE_V1)).toBe(now.Image);
  }, 60_000);

  it("keeps an action's AgentError message and refuses an unknown container", async () => {
    const stopped = await remoteA.rollback(app.id, 99, { by: 'alice', signal: signal() }).catch((e: Error) => e);
    expect(stopped).toBeInstanceOf(AgentError);
    expect((stopped as Error).message).toMatch(/revision 99/);
    const unknown = await failure(remoteA.inspect('f'.repeat(64), signal()));
    expect(unknown).toBeInstanceOf(AgentError);
    expect(unknown.message).toBe(`no container with id "${'f'.repeat(64)}" on ${HOST_A}`);
  });

  it('names token problems without printing the token, and unreachable hosts', async () => {
    const wrong = new RemoteAgentClient({ url: a.url, token: `${TOKEN_A}-guess`, name: HOST_A });
    const wrongError = await failure(wrong.containers());
    expect(wrongError).toBeInstanceOf(AgentError);
    expect(wrongError.message).toBe(
      `host ${HOST_A} rejected the bot's token: it does not match that agent's agent.token`,
    );
    expect(wrongError.message).not.toContain(TOKEN_A);
    const none = new RemoteAgentClient({ url: a.url, name: HOST_A });
    expect((await failure(none.containers())).message).toMatch(/^host dw-remote-a requires a token/);
    const port = a.agent.address.port;
    const closed = new RemoteAgentClient({ url: `http://127.0.0.1:1`, name: 'gone', token: TOKEN_A });
    const down = await failure(closed.hosts());
    expect(down).toBeInstanceOf(AgentError);
    expect(down.message).toMatch(/^host gone is unreachable: connect ECONNREFUSED 127\.0\.0\.1:1$/);
    expect(port).toBeGreaterThan(0);
    for (const client of [wrong, none, closed]) client.close();
  });

  describe('one bot, two agents', () => {
    let store: Store;
    let fleet: Fleet;

    beforeAll(async () => {
      store = openStore(':memory:');
      const bot = botSchema.parse({
        agents: [
          { name: HOST_A, url: a.url, token: TOKEN_A },
          { name: HOST_B, url: b.url, token: TOKEN_B },
        ],
        roles: { admin: { commands: ['*'] } },
        members: [{ role: 'admin', consoleUsers: ['root'] }],
      });
      fleet = await buildFleet(bot, logger);
      await listed(fleet.agent(HOST_B) as AgentClient, app.name);
    });

    afterAll(async () => {
      await fleet?.close();
      store?.close();
    });

    it('lists both hosts and the test container on each', async () => {
      const bot = botSchema.parse({
        roles: { admin: { commands: ['*'] } },
        members: [{ role: 'admin', consoleUsers: ['root'] }],
      });
      const core = buildCommandCore({ bot, fleet, store, logger });
      expect(fleet.hostNames()).toEqual([HOST_A, HOST_B]);
      const hosts = await core.handle({ identity: root, text: ['hosts'] });
      expect(hosts.status).toBe('ok');
      expect(hosts.table?.rows.map((r) => r[0])).toEqual([HOST_A, HOST_B]);
      const ps = await core.handle({ identity: root, text: ['ps', '--all'] });
      expect(ps.status).toBe('ok');
      const rows = ps.table?.rows ?? [];
      const hostColumn = ps.table?.columns.indexOf('HOST') ?? -1;
      if (hostColumn < 0) throw new Error(`ps shows one host only: ${JSON.stringify(ps)}`);
      const appRows = rows.filter((r) => r.includes(app.name)).map((r) => r[hostColumn]);
      expect(appRows.sort()).toEqual([HOST_A, HOST_B]);
    });
  });

  it('finds an agent by DNS (localhost) and names it by its hostName', async () => {
    const fleet = new DnsFleet({
      discovery: { dns: 'localhost', port: a.agent.address.port, scheme: 'http', token: TOKEN_A, interval: 60_000 },
      logger,
    });
    await fleet.start();
    try {
      expect(fleet.hostNames()).toEqual([HOST_A]);
      const found = await (fleet.agent(HOST_A) as AgentClient).containers();
      expect(found.map((r) => r.name)).toContain(app.name);
    } finally {
      await fleet.close();
    }
  });

  it('joins configured agents and discovered ones in one fleet', async () => {
    const bot = botSchema.parse({
      agents: [{ name: 'configured-a', url: a.url, token: TOKEN_A }],
      discovery: { dns: 'localhost', port: b.agent.address.port, token: TOKEN_B, interval: '1m' },
    });
    const fleet = await buildFleet(bot, logger);
    try {
      expect(fleet.hostNames()).toEqual(['configured-a', HOST_B]);
      expect((await (fleet.agent(HOST_B) as AgentClient).hosts()).map((h) => h.name)).toEqual([HOST_B]);
      expect((await (fleet.agent('configured-a') as AgentClient).hosts()).map((h) => h.name)).toEqual(['configured-a']);
    } finally {
      await fleet.close();
    }
  });
});

describe('an agent with agent.tls', () => {
  let tls: TlsFiles;
  let agent: TestAgent;
  let url: string;
  const TOKEN = 'tls-test-token-0123456789';

  beforeAll(async () => {
    tls = makeTlsFiles();
    agent = await startTestAgent(
      [
        'agent:',
        `  token: ${TOKEN}`,
        '  hostName: dw-tls',
        '  tls:',
        `    cert: ${tls.serverCert}`,
        `    key: ${tls.serverKey}`,
      ].join('\n'),
    );
    url = `https://127.0.0.1:${agent.agent.address.port}`;
  }, 30_000);

  afterAll(async () => {
    await agent?.stop();
    if (tls) rmSync(tls.dir, { recursive: true, force: true });
  });

  it('serves /metrics over https to a client that trusts the CA', async () => {
    const { readFileSync } = await import('node:fs');
    const ca = readFileSync(tls.ca);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      https
        .get(`${url}/metrics`, { ca }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('# TYPE');
    await expect(fetch(`http://127.0.0.1:${agent.agent.address.port}/metrics`)).rejects.toThrow();
  });

  it('answers the API to a RemoteAgentClient given the CA, and fails clearly without it', async () => {
    const trusted = new RemoteAgentClient({ url, token: TOKEN, ca: tls.ca });
    expect(await trusted.identify()).toBe('dw-tls');
    expect(Array.isArray(await trusted.containers())).toBe(true);
    trusted.close();
    const untrusted = new RemoteAgentClient({ url, token: TOKEN, name: 'dw-tls' });
    const error = await failure(untrusted.containers());
    expect(error).toBeInstanceOf(AgentError);
    expect(error.message).toMatch(
      /^host dw-tls is unreachable: its TLS certificate is not trusted \(.+\); give the CA/,
    );
    untrusted.close();
  });
});
