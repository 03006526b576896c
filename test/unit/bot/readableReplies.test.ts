import { createLogger } from '../../../shared/logger';
import { openStore, type Store } from '../../../agent/store/database';
import { buildCommandCore } from '../../../bot';
import { formatRemaining } from '../../../bot/core/humanUnits';
import type { Identity } from '../../../bot/core/identity';
import { compareNatural } from '../../../bot/core/naturalOrder';
import { StaticFleet } from '../../../bot/staticFleet';
import { botSchema } from '../../../config/botSchema';
import { FakeAgent, record } from './fakeAgent';

const logger = createLogger({ level: 'error', format: 'text', silent: true });
const admin: Identity = { platform: 'discord', userId: 'admin', channelId: 'C1' };
const bot = botSchema.parse({
  confirmTimeout: '1m',
  roles: { admin: { commands: ['*'] } },
  members: [{ role: 'admin', discordUsers: ['admin'] }],
});

let store: Store;
beforeEach(() => (store = openStore(':memory:')));
afterEach(() => store.close());

describe('natural order of names', () => {
  it('compares runs of digits by value', () => {
    const names = ['web-10', 'web-2', 'web-1', 'db', 'web', 'web-02', 'web-1a', 'api-100', 'api-99'];
    expect([...names].sort(compareNatural)).toEqual([
      'api-99',
      'api-100',
      'db',
      'web',
      'web-1',
      'web-1a',
      'web-02',
      'web-2',
      'web-10',
    ]);
  });

  it('handles numbers longer than a double holds', () => {
    expect(compareNatural('x-99999999999999999999', 'x-100000000000000000000')).toBeLessThan(0);
    expect(compareNatural('same', 'same')).toBe(0);
  });

  it('orders ps, stats and completion naturally', async () => {
    const agent = new FakeAgent(['web-10', 'web-2', 'web-1'].map((n) => record(n)));
    const core = buildCommandCore({ bot, fleet: new StaticFleet([agent]), store, logger });
    const ps = await core.handle({ identity: admin, text: 'ps' });
    expect(ps.table?.rows.map((r) => r[0])).toEqual(['web-1', 'web-2', 'web-10']);
    const stats = await core.handle({ identity: admin, text: 'stats' });
    expect(stats.table?.rows.map((r) => r[0])).toEqual(['web-1', 'web-2', 'web-10']);
    expect(await core.complete(admin, 'logs', 'container', 'web')).toEqual(['web-1', 'web-2', 'web-10']);
  });
});

describe('stats rows', () => {
  it('never leaves a row blank: a container without a sample says so', async () => {
    const agent = new FakeAgent([record('web-1'), record('web-2')]);
    agent.statsByName['web-1'] = {
      id: 'x',
      timestampMs: 0,
      cpuPercent: 1.5,
      memoryWorkingSetBytes: 1024,
      processes: 2,
    };
    const core = buildCommandCore({ bot, fleet: new StaticFleet([agent]), store, logger });
    const stats = await core.handle({ identity: admin, text: 'stats' });
    expect(stats.table?.rows).toEqual([
      ['web-1', '1.5%', '1.0 KiB', 'n/a', '2'],
      ['web-2', 'no sample yet', '-', '-', '-'],
    ]);
    for (const row of stats.table?.rows ?? []) for (const cell of row) expect(cell).not.toBe('');
  });
});

describe('time left, as a person reads it', () => {
  it('rounds to whole seconds, minutes or hours', () => {
    expect(formatRemaining(59_999)).toBe('1m');
    expect(formatRemaining(29_600)).toBe('30s');
    expect(formatRemaining(90_400)).toBe('1m30s');
    expect(formatRemaining(5_399_000)).toBe('1h30m');
    expect(formatRemaining(2 * 86_400_000 + 3 * 3_600_000 + 1234)).toBe('2d3h');
    expect(formatRemaining(0)).toBe('0s');
    expect(formatRemaining(-5)).toBe('0s');
  });

  it('says "expires in 1m" even when the clock moved on while the reply was made', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const agent = new FakeAgent([record('web-1')]);
    const core = buildCommandCore({ bot, fleet: new StaticFleet([agent]), store, logger, now: () => clock++ });
    const asked = await core.handle({ identity: admin, text: 'restart web-1' });
    expect(asked.status).toBe('confirm');
    expect(asked.text).toMatch(/this expires in 1m\.$/);
  });
});
