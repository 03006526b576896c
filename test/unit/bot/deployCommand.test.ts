import { createLogger } from '../../../agent/logger';
import { openStore, type Store } from '../../../agent/store/database';
import { buildCommandCore } from '../../../bot';
import type { Identity } from '../../../bot/core/identity';
import { StaticFleet } from '../../../bot/staticFleet';
import { botSchema } from '../../../config/botSchema';
import { FakeAgent, record } from './fakeAgent';

const logger = createLogger({ level: 'error', format: 'text', silent: true });
const config = {
  roles: {
    operator: { commands: ['ps', 'stop', 'restart', 'rollback'] },
    deployer: { commands: ['ps', 'deploy'], containers: { names: ['web-*'] } },
  },
  members: [
    { role: 'operator', discordUsers: ['op'], consoleUsers: ['bob'] },
    { role: 'deployer', discordUsers: ['dev'], consoleUsers: ['alice'] },
  ],
};
const op: Identity = { platform: 'discord', userId: 'op', channelId: 'C1' };
const dev: Identity = { platform: 'discord', userId: 'dev', channelId: 'C1' };
const alice: Identity = { platform: 'console', userId: 'alice' };

let store: Store;
let agent: FakeAgent;

function core() {
  return buildCommandCore({
    bot: botSchema.parse(config),
    fleet: new StaticFleet([agent]),
    store,
    logger,
    actionTimeoutMs: 2000,
  });
}

beforeEach(() => {
  store = openStore(':memory:');
  agent = new FakeAgent([record('web-1'), record('db')]);
});
afterEach(() => store.close());

describe('deploy through the command core', () => {
  it('asks for a confirmation on Discord and deploys the image once confirmed', async () => {
    const c = core();
    const asked = await c.handle({ identity: dev, text: 'deploy web-1 127.0.0.1:5000/app:v2 --timeout 45s' });
    expect(asked.status).toBe('confirm');
    expect(asked.text).toMatch(/^Really deploy web-1/);
    expect(agent.actions).toEqual([]);
    const reply = await c.press(asked.buttons?.[0]?.id ?? '', dev);
    expect(reply).toMatchObject({
      status: 'ok',
      title: 'Deployed web-1',
      text: 'web-1 now runs 127.0.0.1:5000/app:v2',
    });
    expect(agent.actions).toEqual(['deploy web-1 127.0.0.1:5000/app:v2 45000']);
  });

  it('needs --yes on the console; without an image it re-pulls the own tag', async () => {
    const c = core();
    expect(await c.handle({ identity: alice, text: ['deploy', 'web-1'] })).toMatchObject({
      status: 'confirm',
      text: 'deploy web-1 needs a confirmation: run it again with --yes.',
    });
    expect(agent.actions).toEqual([]);
    expect(await c.handle({ identity: alice, text: ['deploy', 'web-1'], confirmed: true })).toMatchObject({
      status: 'ok',
    });
    expect(agent.actions).toEqual(['deploy web-1 own tag']);
  });

  it('denies a role without deploy, and a deployer outside its containers', async () => {
    const c = core();
    expect(await c.handle({ identity: op, text: 'deploy web-1 app:v2' })).toMatchObject({
      status: 'denied',
      text: 'no role of discord:op (operator) allows deploy',
    });
    expect(await c.handle({ identity: alice, text: 'deploy db app:v2', confirmed: true })).toMatchObject({
      status: 'denied',
    });
    expect(agent.actions).toEqual([]);
  });

  it('refuses a timeout outside 1s to 1h and an unknown flag', async () => {
    const c = core();
    expect(
      await c.handle({ identity: alice, text: 'deploy web-1 app:v2 --timeout 2h', confirmed: true }),
    ).toMatchObject({ status: 'failed', text: '--timeout must be from 1s to 1h' });
    expect(await c.handle({ identity: alice, text: 'deploy web-1 app:v2 --force', confirmed: true })).toMatchObject({
      status: 'invalid',
    });
    expect(agent.actions).toEqual([]);
  });
});
