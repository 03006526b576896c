import { createLogger } from '../../../shared/logger';
import { openStore, type Store } from '../../../agent/store/database';
import { parsePullRequest } from '../../../api/controlApiPull';
import { buildCommandCore } from '../../../bot';
import type { Identity } from '../../../bot/core/identity';
import { StaticFleet } from '../../../bot/staticFleet';
import { botSchema } from '../../../config/botSchema';
import { FakeAgent, record } from './fakeAgent';

const logger = createLogger({ level: 'error', format: 'text', silent: true });
const config = {
  roles: { viewer: { commands: ['ps', 'images'] }, puller: { commands: ['pull'] }, admin: { commands: ['*'] } },
  members: [
    { role: 'viewer', discordUsers: ['viewer'] },
    { role: 'puller', discordUsers: ['dev'], consoleUsers: ['alice'] },
  ],
};
const viewer: Identity = { platform: 'discord', userId: 'viewer', channelId: 'C1' };
const dev: Identity = { platform: 'discord', userId: 'dev', channelId: 'C1' };

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

function core(agents: FakeAgent[]) {
  return buildCommandCore({
    bot: botSchema.parse(config),
    fleet: new StaticFleet(agents),
    store,
    logger,
    actionTimeoutMs: 2000,
  });
}

describe('pull through the command core', () => {
  it('pulls without a confirmation, with progress as it runs and in the reply', async () => {
    const agent = new FakeAgent([record('web')]);
    const progress: string[] = [];
    const reply = await core([agent]).handle({
      identity: dev,
      text: 'pull 127.0.0.1:5000/app:v2',
      onProgress: (line) => progress.push(line),
    });
    expect(reply).toMatchObject({
      status: 'ok',
      title: 'Pulled 127.0.0.1:5000/app:v2',
      text: 'Pulled 127.0.0.1:5000/app:v2 on host-a.',
      code: { text: 'layers 1/2, 1.0 MB / 2.0 MB\nlayers 2/2, 2.0 MB / 2.0 MB' },
    });
    expect(progress).toEqual(['layers 1/2, 1.0 MB / 2.0 MB', 'layers 2/2, 2.0 MB / 2.0 MB']);
    expect(agent.actions).toEqual(['pull 127.0.0.1:5000/app:v2 by discord:dev']);
  });

  it('is denied by default and to a role without pull', async () => {
    const agent = new FakeAgent([record('web')]);
    expect(await core([agent]).handle({ identity: viewer, text: 'pull app:v1' })).toMatchObject({
      status: 'denied',
      text: 'no role of discord:viewer (viewer) allows pull',
    });
    const stranger: Identity = { platform: 'discord', userId: 'nobody', channelId: 'C1' };
    expect((await core([agent]).handle({ identity: stranger, text: 'pull app:v1' })).status).toBe('denied');
    expect(agent.actions).toEqual([]);
  });

  it('refuses an invalid reference before any agent sees it', async () => {
    const agent = new FakeAgent([record('web')]);
    const reply = await core([agent]).handle({ identity: dev, text: ['pull', 'App:v1;rm'] });
    expect(reply).toMatchObject({ status: 'invalid' });
    expect(reply.text).toMatch(/^invalid image reference "App:v1;rm": /);
    expect(agent.actions).toEqual([]);
  });

  it('pulls on every host in scope, or the one --host names, and says which failed', async () => {
    const a = new FakeAgent([record('web')]);
    const b = new FakeAgent([record('db')]);
    b.host = 'host-b';
    b.down = true;
    const all = await core([a, b]).handle({ identity: dev, text: 'pull app:v1' });
    expect(all).toMatchObject({
      status: 'failed',
      title: 'Pulled app:v1 on 1 of 2 hosts',
      text: 'host-a: Pulled app:v1 on host-a.\nhost-b: failed: host host-b is unreachable: connect ECONNREFUSED',
    });
    expect(all.code?.text).toContain('host-a: layers 2/2');
    b.down = false;
    const one = await core([a, b]).handle({ identity: dev, text: 'pull app:v2 --host host-b' });
    expect(one).toMatchObject({ status: 'ok', text: 'Pulled app:v2 on host-b.' });
  });
});

describe('parsePullRequest (POST /api/v1/images/pull)', () => {
  it('takes ref and by', () => {
    expect(parsePullRequest({ ref: 'app:v1', by: 'alice' })).toEqual({ ref: 'app:v1', by: 'alice' });
  });

  it('names every bad field, an invalid reference with the reason', () => {
    expect(() => parsePullRequest({ ref: 'App:v1', by: '', image: 'x' })).toThrow(
      '"image": unknown field (pull takes ref, by); by: required, the name of who asked; ref: invalid image reference "App:v1": the repository name must be lowercase',
    );
    expect(() => parsePullRequest([])).toThrow(/must be a JSON object/);
    expect(() => parsePullRequest({ by: 'a' })).toThrow('ref: required, an image reference such as app:v1');
  });
});
