import { createLogger } from '../../../shared/logger';
import { openStore, type Store } from '../../../agent/store/database';
import { buildCommandCore } from '../../../bot';
import type { Identity } from '../../../bot/core/identity';
import { StaticFleet } from '../../../bot/staticFleet';
import { botSchema } from '../../../config/botSchema';
import { FakeAgent, record } from './fakeAgent';

const logger = createLogger({ level: 'error', format: 'text', silent: true });
const admin: Identity = { platform: 'console', userId: 'alice' };
const bot = botSchema.parse({
  roles: {
    admin: { commands: ['*'] },
    webOnly: { commands: ['ps', 'logs', 'restart'], containers: { names: ['web*'] } },
  },
  members: [
    { role: 'admin', consoleUsers: ['alice'] },
    { role: 'webOnly', consoleUsers: ['bob'] },
  ],
});

let store: Store;
let a: FakeAgent;
let b: FakeAgent;

function core() {
  return buildCommandCore({ bot, fleet: new StaticFleet([a, b]), store, logger });
}

beforeEach(() => {
  store = openStore(':memory:');
  a = new FakeAgent([record('web'), record('db')], { web: [{ stream: 'stdout', text: 'line from a' }] });
  a.host = 'host-a';
  b = new FakeAgent([record('web'), record('cache')], { web: [{ stream: 'stdout', text: 'line from b' }] });
  b.host = 'host-b';
});
afterEach(() => store.close());

describe('the command core across hosts', () => {
  it('ps lists every host with a HOST column, or one host with --host', async () => {
    const all = await core().handle({ identity: admin, text: 'ps' });
    expect(all.title).toBe('Containers on 2 hosts');
    expect(all.table?.columns[0]).toBe('HOST');
    expect(all.table?.rows.map((r) => `${r[0]}/${r[1]}`)).toEqual([
      'host-b/cache',
      'host-a/db',
      'host-a/web',
      'host-b/web',
    ]);
    const one = await core().handle({ identity: admin, text: 'ps --host host-b' });
    expect(one.title).toBe('Containers on host-b');
    expect(one.table?.rows.map((r) => r[1])).toEqual(['cache', 'web']);
  });

  it('asks for --host when a name is on several hosts, and acts on the one named', async () => {
    const c = core();
    expect(await c.handle({ identity: admin, text: 'logs web' })).toEqual({
      status: 'invalid',
      text: '"web" is on several hosts (host-a, host-b): add --host HOST',
    });
    expect((await c.handle({ identity: admin, text: 'logs web --host host-b' })).code?.text).toBe('line from b');
    expect((await c.handle({ identity: admin, text: 'logs cache' })).code?.text).toBeUndefined();
    await c.handle({ identity: admin, text: 'restart db', confirmed: true });
    expect(a.actions).toEqual(['restart db']);
    expect(b.actions).toEqual([]);
  });

  it('names an unknown host with the known ones', async () => {
    expect(await core().handle({ identity: admin, text: 'ps --host host-c' })).toEqual({
      status: 'invalid',
      text: 'unknown host "host-c" (hosts: host-a, host-b)',
    });
  });

  it('keeps answering when one agent is down, and says which', async () => {
    b.down = true;
    const ps = await core().handle({ identity: admin, text: 'ps' });
    expect(ps.status).toBe('ok');
    expect(ps.text).toBe('Not answering: host-b: host host-b is unreachable: connect ECONNREFUSED');
    expect(ps.table?.rows.map((r) => `${r[0]}/${r[1]}`)).toEqual(['host-a/db', 'host-a/web']);
    const hosts = await core().handle({ identity: admin, text: 'hosts' });
    expect(hosts.table?.rows).toEqual([
      ['host-a', 'up', '20.10', '1/2'],
      ['host-b', 'agent not answering', '', ''],
    ]);
    const unknown = await core().handle({ identity: admin, text: 'logs cache' });
    expect(unknown.status).toBe('failed');
    expect(unknown.text).toBe(
      '"cache" is not a container name on the hosts that answered, and not every host answered, so it may be on one ' +
        'that did not: host-b: host host-b is unreachable: connect ECONNREFUSED',
    );
  });

  it('answers with the hosts that did before bot.commandTimeout, naming one that stays silent', async () => {
    b.containers = () => new Promise(() => undefined);
    const quick = { ...bot, commandTimeout: 1000 };
    const c = buildCommandCore({ bot: quick, fleet: new StaticFleet([a, b]), store, logger });
    const ps = await c.handle({ identity: admin, text: 'ps' });
    expect(ps.status).toBe('ok');
    expect(ps.text).toMatch(/^Not answering: host-b: host host-b is unreachable: no answer within 0\.\d s$/);
    expect(ps.table?.rows.map((r) => `${r[0]}/${r[1]}`)).toEqual(['host-a/db', 'host-a/web']);
    const alone = await c.handle({ identity: admin, text: 'ps --host host-b' });
    expect(alone.status).toBe('failed');
    expect(alone.text).toMatch(/^host-b: host host-b is unreachable: no answer within 0\.\d s$/);
  });
  it('names a host whose engine is unreachable under "Not answering" and lists the others', async () => {
    b.engineDown = true;
    const c = core();
    const ps = await c.handle({ identity: admin, text: 'ps' });
    expect(ps.status).toBe('ok');
    expect(ps.table?.rows.map((r) => `${r[0]}/${r[1]}`)).toEqual(['host-a/db', 'host-a/web']);
    expect(ps.text).toBe(
      'Not answering: host-b: the Docker engine is unreachable (unix:///run/docker.sock: connect ENOENT)',
    );
    expect((await c.handle({ identity: admin, text: 'hosts' })).table?.rows).toEqual([
      ['host-a', 'up', '20.10', '1/2'],
      ['host-b', 'unreachable', '20.10', '?'],
    ]);
    const stats = await c.handle({ identity: admin, text: 'stats' });
    expect(stats.table?.rows.map((r) => `${r[0]}/${r[1]}`)).toEqual(['host-a/db', 'host-a/web']);
    expect(stats.text).toContain('Not answering: host-b: the Docker engine is unreachable');
    const none = await c.handle({ identity: admin, text: 'ps no-such-thing' });
    expect(none).toMatchObject({
      status: 'ok',
      text: expect.stringMatching(
        /^No running containers match "no-such-thing" on host-a\. Not answering: host-b: the Docker engine is unreachable/,
      ),
    });
  });

  it('fails every read of a host whose engine is unreachable instead of answering "no containers"', async () => {
    a.engineDown = true;
    b.engineDown = true;
    const c = core();
    for (const text of ['ps', 'ps --all', 'stats', 'ps --host host-b']) {
      const reply = await c.handle({ identity: admin, text });
      expect(reply.status).toBe('failed');
      expect(reply.text).toContain('the Docker engine is unreachable (unix:///run/docker.sock: connect ENOENT)');
      expect(reply.text).not.toMatch(/No (running )?containers/);
    }
    const restart = await c.handle({ identity: admin, text: 'restart web --host host-a', confirmed: true });
    expect(restart).toMatchObject({
      status: 'failed',
      text: expect.stringContaining('host-a: the Docker engine is unreachable'),
    });
    expect(restart.text).not.toContain('unknown container');
    expect(a.actions).toEqual([]);
  });

  it('acts on an exact name while a host is down, but not on a guess that may mean a container there', async () => {
    b.engineDown = true;
    a.records.push(record('worker-1'));
    const c = core();
    const prefix = await c.handle({ identity: admin, text: 'restart worker', confirmed: true });
    expect(prefix.status).toBe('failed');
    expect(prefix.text).toContain(
      '"worker" is not a container name on the hosts that answered (it could mean worker-1 on host-a)',
    );
    expect(prefix.text).toContain('host-b: the Docker engine is unreachable');
    expect(a.actions).toEqual([]);
    expect((await c.handle({ identity: admin, text: 'restart worker-1', confirmed: true })).status).toBe('ok');
    expect(a.actions).toEqual(['restart worker-1']);
  });

  it('completes containers a user may act on across hosts, and host names', async () => {
    const c = core();
    const bob: Identity = { platform: 'console', userId: 'bob' };
    expect(await c.complete(admin, 'logs', 'container', '')).toEqual(['cache', 'db', 'web']);
    expect(await c.complete(bob, 'logs', 'container', '')).toEqual(['web']);
    expect(await c.complete(bob, 'stop', 'container', '')).toEqual([]);
    expect(await c.complete(admin, 'ps', 'host', 'host-')).toEqual(['host-a', 'host-b']);
  });

  it('a run: button runs the command as whoever presses it', async () => {
    const c = core();
    const bob: Identity = { platform: 'console', userId: 'bob' };
    expect((await c.press('run:logs web --host host-a', bob)).code?.text).toBe('line from a');
    expect((await c.press('run:restart cache --host host-b', bob)).status).toBe('denied');
    expect(b.actions).toEqual([]);
  });
});
