import { openStore, type Store } from '../../../agent/store/database';
import type { LogLine } from '../../../bot/agentClient';
import type { Identity } from '../../../bot/core/identity';
import type { Reply } from '../../../bot/core/reply';
import { plainCost } from '../../../bot/live/liveLines';
import { pumpLive } from '../../../bot/live/livePump';
import { MAX_LIVE_PER_USER } from '../../../bot/live/liveSessions';
import { botSchema } from '../../../config/botSchema';
import { FakeAgent, record } from './fakeAgent';
import { coreOver } from './fakeCore';

const config = {
  commandTimeout: '1s',
  rateLimit: { commands: 100, per: '1m' },
  roles: { viewer: { commands: ['logs'] }, admin: { commands: ['*'] } },
  members: [
    { role: 'viewer', discordUsers: ['viewer'], consoleUsers: ['bob'] },
    { role: 'admin', discordUsers: ['admin'] },
  ],
};
const viewer: Identity = { platform: 'discord', userId: 'viewer', channelId: 'C1' };
const admin: Identity = { platform: 'discord', userId: 'admin', channelId: 'C1' };
const bob: Identity = { platform: 'console', userId: 'bob' };

let store: Store;
let agent: FakeAgent;
let opened: AbortSignal[];

/** Lines every 20 ms until aborted. */
async function* ticking(signal: AbortSignal): AsyncGenerator<LogLine> {
  for (let i = 1; !signal.aborted; i++) {
    yield { stream: 'stdout', text: `tick ${i}` };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const core = () => coreOver(config, agent, store);

function events(): string[] {
  return (store.prepare('SELECT user_id, event, detail FROM audit ORDER BY id').all() as Record<string, string>[]).map(
    (r) => `${r.user_id} ${r.event}: ${r.detail}`,
  );
}

const drain = (reply: Reply) =>
  pumpLive(reply.live as NonNullable<Reply['live']>, {
    intervalMs: 0,
    budget: Infinity,
    cost: plainCost,
    send: async () => undefined,
  });

beforeEach(() => {
  store = openStore(':memory:');
  opened = [];
  agent = new FakeAgent([record('web'), record('old', { state: 'exited' })]);
  agent.followSource = (_name, signal) => {
    opened.push(signal);
    return ticking(signal);
  };
});
afterEach(() => store.close());

describe('logs --follow in the command core', () => {
  it('answers with a live part and a Stop button; the command timeout (1s) does not end it', async () => {
    const c = core();
    const reply = await c.handle({ identity: viewer, text: 'logs web --follow 2s' });
    expect(reply).toMatchObject({ status: 'ok', title: 'Logs of web' });
    expect(reply.text).toContain('Following for up to 2s');
    expect(reply.live?.stopButton).toMatchObject({
      label: 'Stop',
      style: 'danger',
      id: expect.stringMatching(/^stop:/),
    });
    const final = await drain(reply);
    expect(final.text).toMatch(/after 2s: its duration of 2s ran out\. \d+ lines shown\.$/);
    expect(opened[0]?.aborted).toBe(true);
    expect(events().join('\n')).toMatch(/viewer succeeded: live tail ended \(its duration ran out; \d+ lines read\)/);
  });

  it('stops on its requester’s Stop, and refuses anyone else’s, even an admin’s', async () => {
    const c = core();
    const reply = await c.handle({ identity: viewer, text: 'logs web --follow' });
    const stop = reply.live?.stopButton?.id ?? '';
    expect(await c.press(stop, admin)).toMatchObject({
      status: 'denied',
      text: 'Only discord:viewer, who started this live tail, may stop it.',
    });
    expect(opened[0]?.aborted).toBe(false);
    expect(await c.press(stop, viewer)).toMatchObject({ status: 'ok' });
    const final = await drain(reply);
    expect(final.text).toContain('stopped by discord:viewer');
    expect(await c.press(stop, viewer)).toMatchObject({ status: 'invalid', text: 'This live tail has already ended.' });
    expect(events().join('\n')).toContain(
      'admin denied: stop refused: only discord:viewer, who started it, may stop it',
    );
  });

  it('refuses more than 30m, a stopped container, and more live tails than a user may run', async () => {
    const c = core();
    expect(await c.handle({ identity: bob, text: 'logs web --follow 31m' })).toMatchObject({
      status: 'invalid',
      text: '--follow: at most 30m, not 31m',
    });
    expect(await c.handle({ identity: bob, text: 'logs old --follow' })).toMatchObject({
      status: 'invalid',
      text: expect.stringContaining('old is not running (exited)'),
    });
    const replies: Reply[] = [];
    for (let i = 0; i < MAX_LIVE_PER_USER; i++)
      replies.push(await c.handle({ identity: bob, text: 'logs web --follow' }));
    const refused = await c.handle({ identity: bob, text: 'logs web --follow' });
    expect(refused).toMatchObject({ status: 'denied', text: expect.stringContaining('at most 3 at once') });
    expect(opened).toHaveLength(MAX_LIVE_PER_USER);
    c.stopLive();
    for (const r of replies) expect((await drain(r)).text).toContain('the bot is shutting down');
  });

  it('stops a live tail whose requester may no longer run logs after the roles change', async () => {
    const c = core();
    const reply = await c.handle({ identity: viewer, text: 'logs web --follow' });
    const kept = await c.handle({ identity: bob, text: 'logs web --follow' });
    const policy = botSchema.parse({ ...config, members: [{ role: 'viewer', consoleUsers: ['bob'] }] });
    c.setPolicy({ roles: policy.roles, members: policy.members });
    expect((await drain(reply)).text).toContain('the roles changed and you may no longer run it');
    expect(opened[1]?.aborted).toBe(false);
    kept.live?.abandon('test over');
    await drain(kept);
  });

  it('passes --tail, --since and --grep to the agent and shows 10 lines of context by default', async () => {
    const queries: unknown[] = [];
    agent.followLogs = async function* (_id, query) {
      queries.push({ ...query, signal: undefined });
      yield* [];
    };
    const c = core();
    await drain(await c.handle({ identity: bob, text: 'logs web --follow' }));
    await drain(await c.handle({ identity: bob, text: 'logs web --follow 1m --tail 3 --grep ERR' }));
    await drain(await c.handle({ identity: bob, text: 'logs web --follow --since 1m' }));
    expect(queries[0]).toMatchObject({ tail: 10 });
    expect(queries[1]).toMatchObject({ tail: 3, grep: /ERR/ });
    expect(queries[2]).toMatchObject({ sinceMs: expect.any(Number) });
    expect(queries[2]).not.toHaveProperty('tail');
  });
});
