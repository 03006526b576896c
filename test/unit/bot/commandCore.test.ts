import { createLogger } from '../../../shared/logger';
import { openStore, type Store } from '../../../agent/store/database';
import { buildCommandCore } from '../../../bot';
import type { Identity } from '../../../bot/core/identity';
import { StaticFleet } from '../../../bot/staticFleet';
import { botSchema } from '../../../config/botSchema';
import { FakeAgent, record } from './fakeAgent';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const logger = createLogger({ level: 'error', format: 'text', silent: true });
const config = {
  confirmTimeout: '1m',
  commandTimeout: '1s',
  rateLimit: { commands: 5, per: '1m' },
  roles: {
    viewer: { commands: ['ps', 'logs', 'help', 'audit'] },
    operator: {
      inherits: 'viewer',
      commands: ['stop', 'restart', 'silence', 'unsilence'],
      containers: { names: ['web-*'] },
    },
  },
  members: [
    { role: 'operator', discordUsers: ['op'], consoleUsers: ['alice'] },
    { role: 'viewer', discordUsers: ['viewer'], consoleUsers: ['bob'] },
  ],
};
const op: Identity = { platform: 'discord', userId: 'op', channelId: 'C1' };
const viewer: Identity = { platform: 'discord', userId: 'viewer', channelId: 'C1' };
const alice: Identity = { platform: 'console', userId: 'alice' };

let store: Store;
let clock: number;
let agent: FakeAgent;

function core(overrides: Record<string, unknown> = {}) {
  return buildCommandCore({
    bot: botSchema.parse({ ...config, ...overrides }),
    fleet: new StaticFleet([agent]),
    store,
    logger,
    actionTimeoutMs: 2000,
    now: () => clock,
  });
}

function auditEvents(): string[] {
  return (store.prepare('SELECT user_id, command, event FROM audit ORDER BY id').all() as Record<string, string>[]).map(
    (r) => `${r.user_id} ${r.command}: ${r.event}`,
  );
}

beforeEach(() => {
  store = openStore(':memory:');
  clock = T0;
  agent = new FakeAgent(
    [record('web-1'), record('web-2'), record('db')],
    {
      'web-1': [
        { stream: 'stdout', text: 'GET / 200' },
        { stream: 'stderr', text: 'ERROR boom' },
      ],
    },
    () => clock,
  );
});
afterEach(() => store.close());

describe('the command core', () => {
  it('lists only the containers the user may see and answers with a table', async () => {
    const reply = await core().handle({ identity: viewer, text: 'ps' });
    expect(reply.status).toBe('ok');
    expect(reply.table?.rows.map((r) => r[0])).toEqual(['db', 'web-1', 'web-2']);
  });

  it('resolves container names against the inventory, with suggestions', async () => {
    const c = core();
    expect(await c.handle({ identity: viewer, text: 'logs web-1 --grep ERROR' })).toMatchObject({
      status: 'ok',
      code: { text: 'ERROR boom' },
    });
    expect(await c.handle({ identity: viewer, text: 'logs db' })).toMatchObject({
      status: 'ok',
      text: 'No log lines.',
    });
    expect(await c.handle({ identity: viewer, text: 'logs web' })).toEqual({
      status: 'invalid',
      text: '"web" is ambiguous: web-1, web-2',
    });
    expect(await c.handle({ identity: viewer, text: 'logs wbe-1' })).toEqual({
      status: 'invalid',
      text: 'unknown container "wbe-1"; did you mean web-1?',
    });
    expect(await c.handle({ identity: viewer, text: 'logs "db; docker rm -f web-1"' })).toEqual({
      status: 'invalid',
      text: 'unknown container "db; docker rm -f web-1"; did you mean db, web-1?',
    });
  });

  it('suggests only containers the user may act on', async () => {
    const reply = await core().handle({ identity: op, text: 'stop dbx' });
    expect(reply).toEqual({ status: 'invalid', text: 'unknown container "dbx"' });
  });

  it('denies a viewer stop, and nothing is stopped', async () => {
    const reply = await core().handle({ identity: viewer, text: 'stop web-1' });
    expect(reply).toMatchObject({ status: 'denied', text: 'no role of discord:viewer (viewer) allows stop' });
    expect(agent.actions).toEqual([]);
  });

  it('asks for a confirmation that only the requester can give, once, before it expires', async () => {
    const c = core();
    const asked = await c.handle({ identity: op, text: 'stop web-1' });
    expect(asked.status).toBe('confirm');
    expect(asked.text).toBe('Really stop web-1? Only discord:op can confirm; this expires in 1m.');
    const [yes, cancel] = asked.buttons ?? [];
    expect(cancel?.id).toMatch(/^cancel:/);
    expect(agent.actions).toEqual([]);

    expect(await c.press(yes?.id ?? '', viewer)).toMatchObject({
      status: 'denied',
      text: 'Only discord:op may confirm this.',
    });
    expect(agent.actions).toEqual([]);
    expect(await c.press(yes?.id ?? '', op)).toMatchObject({ status: 'ok', title: 'Stopped web-1' });
    expect(agent.actions).toEqual(['stop web-1']);
    expect(await c.press(yes?.id ?? '', op)).toMatchObject({
      status: 'denied',
      text: 'This confirmation is unknown or was already used.',
    });
    expect(agent.actions).toEqual(['stop web-1']);
  });

  it('refuses an expired confirmation', async () => {
    const c = core();
    const asked = await c.handle({ identity: op, text: 'restart web-2' });
    clock += 60_000;
    expect(await c.press(asked.buttons?.[0]?.id ?? '', op)).toMatchObject({
      status: 'denied',
      text: 'This confirmation expired after 1m.',
    });
    expect(agent.actions).toEqual([]);
  });

  it('authorizes a confirmation again: a role removed meanwhile is denied', async () => {
    const c = core();
    const asked = await c.handle({ identity: op, text: 'stop web-1' });
    const without = botSchema.parse({ ...config, members: [{ role: 'viewer', discordUsers: ['op'] }] });
    c.setPolicy({ roles: without.roles, members: without.members });
    expect(await c.press(asked.buttons?.[0]?.id ?? '', op)).toMatchObject({
      status: 'denied',
      text: 'no role of discord:op (viewer) allows stop',
    });
    expect(agent.actions).toEqual([]);
  });

  it('runs at once with the console --yes, and says how to confirm without it', async () => {
    const c = core();
    expect(await c.handle({ identity: alice, text: ['stop', 'web-1'] })).toEqual({
      status: 'confirm',
      title: 'Confirmation needed',
      text: 'stop web-1 needs a confirmation: run it again with --yes.',
    });
    expect(agent.actions).toEqual([]);
    expect(await c.handle({ identity: alice, text: ['stop', 'web-1'], confirmed: true })).toMatchObject({
      status: 'ok',
    });
    expect(agent.actions).toEqual(['stop web-1']);
  });

  it('keeps an operator to its containers', async () => {
    expect(await core().handle({ identity: alice, text: 'stop db', confirmed: true })).toMatchObject({
      status: 'denied',
      text: "stop on db is outside the containers of console:alice's roles (operator)",
    });
    expect(agent.actions).toEqual([]);
  });

  it('limits each user to N commands per window, sliding', async () => {
    const c = core();
    for (let i = 0; i < 5; i++) expect((await c.handle({ identity: viewer, text: 'ps' })).status).toBe('ok');
    expect(await c.handle({ identity: viewer, text: 'ps' })).toMatchObject({
      status: 'denied',
      text: 'Too many commands: at most 5 per 1m. Try again in 1m.',
    });
    expect((await c.handle({ identity: op, text: 'ps' })).status).toBe('ok');
    clock += 60_001;
    expect((await c.handle({ identity: viewer, text: 'ps' })).status).toBe('ok');
  });

  it('gives up on a command that outlives its timeout, saying whether the agent may still complete it', async () => {
    agent.hang = true;
    expect(await core().handle({ identity: alice, text: 'logs web-1' })).toMatchObject({
      status: 'failed',
      text: 'logs did not finish within 1s; it was abandoned',
    });
    expect(await core().handle({ identity: alice, text: 'restart web-1', confirmed: true })).toMatchObject({
      status: 'failed',
      text: 'restart did not finish within 2s; the agent may still complete it (check with ps or history)',
    });
  });

  it('adds and removes silences on behalf of the user', async () => {
    const c = core();
    expect(await c.handle({ identity: op, text: 'silence container=web-* 2h' })).toMatchObject({
      status: 'ok',
      title: 'Silence sil-1 added',
      text: 'Alerts matching container=web-* are silenced until 2026-01-01 02:00:00Z.',
    });
    expect((await agent.silences())[0]).toMatchObject({ createdBy: 'discord:op', until: T0 + 7_200_000 });
    expect(await c.handle({ identity: op, text: 'silence web 5 min' })).toMatchObject({ status: 'invalid' });
    expect(await c.handle({ identity: op, text: 'unsilence nope' })).toEqual({
      status: 'invalid',
      text: 'no silence "nope" (silences: sil-1)',
    });
    expect(await c.handle({ identity: op, text: 'unsilence sil-1' })).toMatchObject({ status: 'ok' });
  });

  it('help lists only what the user may run', async () => {
    const reply = await core().handle({ identity: viewer, text: 'help' });
    expect(reply.table?.rows.map((r) => r[0]?.split(' ')[0])).toEqual(['ps', 'logs', 'audit', 'help']);
    expect(await core().handle({ identity: viewer, text: 'help stop' })).toEqual({
      status: 'invalid',
      text: 'no help for "stop": you may not run it',
    });
  });

  it('audits every command, decision, confirmation and result, and lists them', async () => {
    const c = core();
    await c.handle({ identity: viewer, text: 'stop web-1' });
    const asked = await c.handle({ identity: op, text: 'stop web-1' });
    await c.press(asked.buttons?.[0]?.id ?? '', op);
    await c.handle({ identity: op, text: 'logs --tail 0 web-1' });
    expect(auditEvents()).toEqual([
      'viewer stop web-1: denied',
      'op stop web-1: allowed',
      'op stop web-1: confirmation-requested',
      'op stop web-1: allowed',
      'op stop web-1: confirmed',
      'op stop web-1: succeeded',
      'op logs --tail 0 web-1: invalid',
    ]);
    const listed = await c.handle({ identity: op, text: 'audit --last 3' });
    expect(listed.table?.rows.map((r) => r.slice(1, 4))).toEqual([
      ['discord:op', 'stop web-1', 'succeeded'],
      ['discord:op', 'logs --tail 0 web-1', 'invalid'],
      ['discord:op', 'audit --last 3', 'allowed'],
    ]);
  });
});
