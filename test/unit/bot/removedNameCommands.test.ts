import { openStore, type Store } from '../../../agent/store/database';
import { buildCommandCore } from '../../../bot';
import type { Identity } from '../../../bot/core/identity';
import { StaticFleet } from '../../../bot/staticFleet';
import { botSchema } from '../../../config/botSchema';
import { FakeAgent, record } from './fakeAgent';
import { coreOver, quietLogger } from './fakeCore';

const logger = quietLogger;
const config = {
  confirmTimeout: '1m',
  commandTimeout: '1s',
  rateLimit: { commands: 50, per: '1m' },
  roles: {
    web: { commands: ['history', 'rollback'], containers: { names: ['web*'] } },
    teamA: { commands: ['history', 'rollback'], containers: { labels: { team: 'a' } } },
    others: { commands: ['history', 'rollback'], containers: { names: ['db', 'api-*'] } },
  },
  members: [
    { role: 'web', consoleUsers: ['alice'] },
    { role: 'teamA', consoleUsers: ['tess'] },
    { role: 'others', consoleUsers: ['oscar'] },
  ],
};
const as = (userId: string): Identity => ({ platform: 'console', userId });

let store: Store;
let agent: FakeAgent;

const core = () => coreOver(config, agent, store, 2000);

beforeEach(() => {
  store = openStore(':memory:');
  agent = new FakeAgent([record('web-db'), record('db')]);
  agent.removed = [
    {
      name: 'web',
      revisions: [
        { revision: 3, imageRef: 'app:2', labels: { team: 'a' } },
        { revision: 2, imageRef: 'app:1', labels: { team: 'b' } },
      ],
      rollback: { revision: 3, why: 'revision 3 (app:2): the last one before removal' },
    },
  ];
});
afterEach(() => store.close());

describe('history and rollback of a removed name (kept revisions, no container)', () => {
  it('history lists its revisions, none current, even though a container name starts with it', async () => {
    const reply = await core().handle({ identity: as('alice'), text: 'history web' });
    expect(reply).toMatchObject({ status: 'ok', title: 'Revisions of web (removed: no container carries the name)' });
    expect(reply.table?.rows.map((r) => r[0])).toEqual(['3', '2']);
  });

  it('rollback asks for a confirmation, then recreates the revision the agent listed, saying why', async () => {
    const c = core();
    const asked = await c.handle({ identity: as('alice'), text: 'rollback web' });
    expect(asked).toMatchObject({
      status: 'confirm',
      text: 'rollback web (removed) needs a confirmation: run it again with --yes.',
    });
    expect(agent.actions).toEqual([]);
    const done = await c.handle({ identity: as('alice'), text: 'rollback web', confirmed: true });
    expect(done).toMatchObject({
      status: 'ok',
      title: 'Recreated web',
      code: { text: 'choose: done (revision 3 (app:2): the last one before removal)' },
    });
    expect(agent.actions).toEqual(['rollback-removed web to 3']);
  });

  it('authorizes on the labels recorded in the spec of the revision acted on', async () => {
    const c = core();
    expect(await c.handle({ identity: as('tess'), text: 'history web' })).toMatchObject({ status: 'ok' });
    expect(await c.handle({ identity: as('tess'), text: 'rollback web', confirmed: true })).toMatchObject({
      status: 'ok',
    });
    expect(await c.handle({ identity: as('tess'), text: 'rollback web --to 2', confirmed: true })).toMatchObject({
      status: 'denied',
      text: expect.stringContaining('rollback on web is outside the containers of console:tess'),
    });
    expect(agent.actions).toEqual(['rollback-removed web to 3']);
  });

  it('denies a role scoped to other containers, and refuses a revision that is not kept', async () => {
    const c = core();
    for (const text of ['history web', 'rollback web --to 3']) {
      expect(await c.handle({ identity: as('oscar'), text, confirmed: true })).toMatchObject({ status: 'denied' });
    }
    expect(await c.handle({ identity: as('alice'), text: 'rollback web --to 1', confirmed: true })).toMatchObject({
      status: 'invalid',
      text: expect.stringContaining('web has no revision 1 (kept revisions: 3, 2)'),
    });
    expect(agent.actions).toEqual([]);
  });

  it('says when a plain rollback has no revision to pick', async () => {
    agent.removed = [{ ...agent.removed[0]!, rollback: { error: 'web has no revision to recreate (…)' } }];
    expect(await core().handle({ identity: as('alice'), text: 'rollback web', confirmed: true })).toMatchObject({
      status: 'invalid',
      text: expect.stringContaining('web has no revision to recreate'),
    });
  });

  it('names neither a container nor recorded revisions, suggesting close names', async () => {
    expect(await core().handle({ identity: as('alice'), text: 'history wbe' })).toMatchObject({
      status: 'invalid',
      text: expect.stringContaining('no container or recorded revisions named "wbe"; did you mean web'),
    });
  });

  it('other commands do not take removed names', async () => {
    const c = buildCommandCore({
      bot: botSchema.parse({ ...config, roles: { ...config.roles, web: { commands: ['*'] } } }),
      fleet: new StaticFleet([agent]),
      store,
      logger,
      actionTimeoutMs: 2000,
    });
    expect(await c.handle({ identity: as('alice'), text: 'logs web' })).toMatchObject({
      status: 'ok',
      title: expect.stringContaining('web-db'),
    });
    expect(await c.handle({ identity: as('alice'), text: 'stop wbe' })).toMatchObject({
      status: 'invalid',
      text: expect.stringMatching(/^unknown container "wbe"/),
    });
  });
});
