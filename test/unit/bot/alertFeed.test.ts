import { createLogger } from '../../../shared/logger';
import { openStore, type Store } from '../../../agent/store/database';
import type { Alert } from '../../../alerts/alert';
import type { ChatAdapter } from '../../../bot/adapters/chatAdapter';
import { AlertFeed } from '../../../bot/alertFeed';
import { AlertPostStore } from '../../../bot/alertPostStore';
import type { Reply } from '../../../bot/core/reply';
import { StaticFleet } from '../../../bot/staticFleet';
import { FakeAgent, record } from './fakeAgent';

const logger = createLogger({ level: 'error', format: 'text', silent: true });
const T0 = Date.parse('2026-12-01T10:00:00Z');

/** A chat adapter that records what it was asked to post, and can be told to fail. */
class RecordingAdapter implements ChatAdapter {
  readonly platform = 'discord' as const;
  readonly posted: Reply[] = [];
  failing = false;
  async start() {}
  async stop() {}
  async postAlert(reply: Reply) {
    if (this.failing) throw new Error('channel unreachable');
    this.posted.push(reply);
  }
}

function crashed(state: Alert['state'], firedAt = T0): Alert {
  return {
    key: 'crashed{container="web"}',
    rule: 'crashed',
    severity: 'critical',
    state,
    labels: { alertname: 'crashed', severity: 'critical', container: 'web' },
    annotations: { summary: 'web exited with code 137' },
    activeAt: firedAt,
    firedAt,
    ...(state === 'resolved' ? { resolvedAt: firedAt + 60_000 } : {}),
  };
}

let store: Store;
let agent: FakeAgent;
let chat: RecordingAdapter;
let clock: number;

function feed() {
  return new AlertFeed({
    fleet: new StaticFleet([agent]),
    adapters: [chat],
    posts: new AlertPostStore(store),
    intervalMs: 5000,
    logger,
    now: () => clock,
  });
}

beforeEach(() => {
  store = openStore(':memory:');
  agent = new FakeAgent([record('web')], {}, () => clock);
  chat = new RecordingAdapter();
  clock = T0 + 1000;
});
afterEach(() => store.close());

describe('the alert feed', () => {
  it('posts a firing alert once with its buttons, then its resolution once', async () => {
    const f = feed();
    agent.alertList = [crashed('firing')];
    await f.tick();
    await f.tick();
    expect(chat.posted.map((p) => p.title)).toEqual(['Firing: crashed on web']);
    expect(chat.posted[0]?.buttons?.map((b) => b.id)).toEqual([
      'run:restart web --host host-a',
      'run:logs web --tail 50 --host host-a',
      'run:silence rule=crashed,container=web 1h --host host-a',
    ]);
    agent.alertList = [crashed('resolved')];
    await f.tick();
    await f.tick();
    expect(chat.posted.map((p) => p.title)).toEqual(['Firing: crashed on web', 'Resolved: crashed on web']);
    expect(chat.posted[1]?.buttons).toBeUndefined();
  });

  it('does not repost after a restart, and posts a new firing of the same alert', async () => {
    agent.alertList = [crashed('firing')];
    await feed().tick();
    await feed().tick();
    expect(chat.posted).toHaveLength(1);
    agent.alertList = [crashed('firing', T0 + 600_000)];
    await feed().tick();
    expect(chat.posted).toHaveLength(2);
  });

  it('skips silenced alerts and hosts that do not answer; resolves an alert that vanished from an answering host', async () => {
    agent.alertList = [crashed('firing')];
    await agent.addSilence({ matchers: { container: 'web' }, until: clock + 3_600_000, createdBy: 'test' });
    await feed().tick();
    expect(chat.posted).toEqual([]);
    await agent.removeSilence('sil-1');
    await feed().tick();
    expect(chat.posted).toHaveLength(1);
    agent.down = true;
    await feed().tick();
    expect(chat.posted).toHaveLength(1);
    agent.down = false;
    agent.alertList = [];
    await feed().tick();
    expect(chat.posted.map((p) => [p.title, p.text])).toEqual([
      ['Firing: crashed on web', 'web exited with code 137'],
      ['Resolved: crashed', 'no longer reported by the agent'],
    ]);
  });

  it('does not post an alert a maintenance window keeps quiet', async () => {
    agent.alertList = [{ ...crashed('firing'), silencedBy: 'maintenance' }];
    await feed().tick();
    expect(chat.posted).toEqual([]);
  });

  it('retries a post that no adapter could deliver', async () => {
    agent.alertList = [crashed('firing')];
    chat.failing = true;
    await feed().tick();
    chat.failing = false;
    await feed().tick();
    expect(chat.posted.map((p) => p.title)).toEqual(['Firing: crashed on web']);
  });
});
