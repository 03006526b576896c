import { openStore, type Store } from '../../../agent/store/database';
import { AuditLog } from '../../../bot/core/audit';
import type { Identity } from '../../../bot/core/identity';
import { FakeAgent, record } from './fakeAgent';
import { coreOver, quietLogger } from './fakeCore';

const logger = quietLogger;
const config = {
  roles: {
    operator: { commands: ['ps', 'stop', 'restart', 'rollback'] },
    deployer: { commands: ['ps', 'deploy'], containers: { names: ['web-*'] } },
    reader: { commands: ['logs'], containers: { names: ['web-1'] } },
  },
  members: [
    { role: 'operator', discordUsers: ['op'], consoleUsers: ['bob'] },
    { role: 'deployer', discordUsers: ['dev'], consoleUsers: ['alice', 'carol'] },
    { role: 'reader', consoleUsers: ['carol'] },
  ],
};
const op: Identity = { platform: 'discord', userId: 'op', channelId: 'C1' };
const dev: Identity = { platform: 'discord', userId: 'dev', channelId: 'C1' };
const alice: Identity = { platform: 'console', userId: 'alice' };
const carol: Identity = { platform: 'console', userId: 'carol' };

let store: Store;
let agent: FakeAgent;

const core = () => coreOver(config, agent, store, 2000);

beforeEach(() => {
  store = openStore(':memory:');
  agent = new FakeAgent([record('web-1'), record('web-2'), record('db')]);
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

  it("shows the failed container's log lines only to a user whose roles allow logs on it", async () => {
    const message = 'deploy of app:v3 to web-1 failed at wait: the health check failed (unhealthy); revision 2 is back';
    agent.deployFailure = {
      outcome: 'restored',
      message,
      diagnosis: { exitCode: 1, health: 'v3 not ready', logs: ['v3 starting', 'secret-ish line'] },
    };
    const why = 'exit code 1; last health check: v3 not ready';
    const reader = await core().handle({ identity: carol, text: 'deploy web-1 app:v3', confirmed: true });
    expect(reader).toMatchObject({
      status: 'failed',
      text: `${message}\n${why}; last log lines:\nv3 starting\nsecret-ish line`,
    });
    for (const [who, target] of [
      [alice, 'web-1'],
      [carol, 'web-2'],
    ] as const) {
      const reply = await core().handle({ identity: who, text: `deploy ${target} app:v3`, confirmed: true });
      expect(reply).toMatchObject({
        status: 'failed',
        text:
          `${message}\n${why}\nThe failed container's last log lines are left out: your roles do not allow logs ` +
          `on ${target}.`,
      });
    }
    const audited = new AuditLog(store, logger, Date.now).last(10).filter((e) => e.event === 'failed');
    expect(audited.map((e) => e.detail.includes('secret-ish'))).toEqual([true, false, false]);
    agent.deployFailure = { outcome: 'restored', message, diagnosis: { exitCode: 1, logs: [] } };
    expect(await core().handle({ identity: alice, text: 'deploy web-1 app:v3', confirmed: true })).toMatchObject({
      text: `${message}\nexit code 1`,
    });
  });

  it('titles a deploy that changed nothing as up to date', async () => {
    agent.deployFailure = {
      outcome: 'up-to-date',
      message: 'web-1 is up to date: app:1 still names the image it runs',
    };
    expect(await core().handle({ identity: alice, text: 'deploy web-1', confirmed: true })).toMatchObject({
      status: 'ok',
      title: 'web-1 is up to date',
    });
  });
});
