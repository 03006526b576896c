import { createLogger } from '../../../shared/logger';
import { AgentError } from '../../../bot/agentClient';
import { DnsFleet, type DiscoveredAgent, type LookupAll } from '../../../bot/dnsFleet';
import { botSchema } from '../../../config/botSchema';

type Answers = Record<string, string>;

/** A discovered agent that reports the name its address has in `names` (or does not answer without one). */
class FakeDiscovered implements DiscoveredAgent {
  name: string | undefined;
  closed = false;

  constructor(
    readonly url: string,
    private readonly names: Answers,
  ) {}

  async identify(): Promise<string> {
    const reported = this.names[this.url];
    if (reported === undefined) throw new AgentError(`host ${this.url} is unreachable: connect ECONNREFUSED`);
    return reported;
  }
  rename(name: string): void {
    this.name = name;
  }
  close(): void {
    this.closed = true;
  }
  hostName(): string {
    return this.name ?? this.url;
  }
  hosts = unused;
  containers = unused;
  stats = unused;
  logs = unused;
  followLogs = (): AsyncIterable<never> => {
    throw new Error('not used by the fleet');
  };
  inspect = unused;
  alerts = unused;
  silences = unused;
  addSilence = unused;
  removeSilence = unused;
  start = unused;
  stop = unused;
  restart = unused;
  rollback = unused;
  deploy = unused;
  history = unused;
  removedNames = unused;
  removedHistory = unused;
  rollbackRemoved = unused;
  images = unused;
  pull = unused;
  remove = unused;
  removeImage = unused;
  exec = unused;
}

async function unused(): Promise<never> {
  throw new Error('not used by the fleet');
}

const parsed = botSchema.parse({ discovery: { dns: 'agents.internal', port: 9417, interval: '30s' } }).discovery;
if (!parsed) throw new Error('the discovery section did not parse');
const discovery = parsed;

function fleetWith(answers: { addresses: string[] | Error }, names: Answers) {
  const logger = createLogger({ level: 'info', format: 'text', silent: true });
  const logged: string[] = [];
  for (const level of ['info', 'warn'] as const) {
    jest.spyOn(logger, level).mockImplementation(((message: string) => {
      logged.push(`${level} ${message}`);
      return logger;
    }) as never);
  }
  const clients: FakeDiscovered[] = [];
  const lookups: string[] = [];
  const lookup: LookupAll = async (name, options) => {
    lookups.push(`${name} family ${options.family} all ${String(options.all)}`);
    if (answers.addresses instanceof Error) throw answers.addresses;
    return answers.addresses.map((address) => ({ address, family: 4 }));
  };
  const connect = (url: string) => {
    const client = new FakeDiscovered(url, names);
    clients.push(client);
    return client;
  };
  const fleet = new DnsFleet({ discovery, logger, lookup, connect });
  return { fleet, logged, clients, lookups };
}

const urlOf = (fleet: DnsFleet, host: string) => (fleet.agent(host) as FakeDiscovered | undefined)?.url;

describe('DnsFleet', () => {
  it('makes one client per A record, named by what each agent reports', async () => {
    const names = { 'http://10.0.0.1:9417': 'web-1', 'http://10.0.0.2:9417': 'db-1' };
    const { fleet, lookups } = fleetWith({ addresses: ['10.0.0.2', '10.0.0.1', '10.0.0.1'] }, names);
    await fleet.refresh();
    expect(lookups).toEqual(['agents.internal family 4 all true']);
    expect(fleet.hostNames()).toEqual(['db-1', 'web-1']);
    expect(urlOf(fleet, 'web-1')).toBe('http://10.0.0.1:9417');
    expect(fleet.agent('web-1')?.hostName()).toBe('web-1');
    expect(fleet.agent('nope')).toBeUndefined();
    await fleet.close();
  });

  it('names agents that report the same name by name@ip', async () => {
    const names = { 'http://10.0.0.1:9417': 'node', 'http://10.0.0.2:9417': 'node', 'http://10.0.0.3:9417': 'db' };
    const { fleet } = fleetWith({ addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] }, names);
    await fleet.refresh();
    expect(fleet.hostNames()).toEqual(['db', 'node@10.0.0.1', 'node@10.0.0.2']);
    expect(fleet.agent('node@10.0.0.2')?.hostName()).toBe('node@10.0.0.2');
    await fleet.close();
  });

  it('adds addresses that appear and drops (and closes) those that disappear', async () => {
    const answers = { addresses: ['10.0.0.1'] as string[] | Error };
    const names = { 'http://10.0.0.1:9417': 'a', 'http://10.0.0.2:9417': 'b' };
    const { fleet, clients, logged } = fleetWith(answers, names);
    await fleet.refresh();
    expect(fleet.hostNames()).toEqual(['a']);
    answers.addresses = ['10.0.0.1', '10.0.0.2'];
    await fleet.refresh();
    expect(fleet.hostNames()).toEqual(['a', 'b']);
    answers.addresses = ['10.0.0.2'];
    await fleet.refresh();
    expect(fleet.hostNames()).toEqual(['b']);
    expect(clients.filter((c) => c.closed).map((c) => c.url)).toEqual(['http://10.0.0.1:9417']);
    expect(logged).toContain('info agent discovery: address gone, agent dropped');
    await fleet.close();
    expect(clients.every((c) => c.closed)).toBe(true);
    expect(fleet.hostNames()).toEqual([]);
  });

  it('keeps the last good set while DNS fails, logging once per change of state', async () => {
    const answers = { addresses: ['10.0.0.1'] as string[] | Error };
    const { fleet, logged } = fleetWith(answers, { 'http://10.0.0.1:9417': 'a' });
    await fleet.refresh();
    answers.addresses = Object.assign(new Error('getaddrinfo ENOTFOUND agents.internal'), { code: 'ENOTFOUND' });
    await fleet.refresh();
    await fleet.refresh();
    expect(fleet.hostNames()).toEqual(['a']);
    answers.addresses = ['10.0.0.1'];
    await fleet.refresh();
    expect(fleet.hostNames()).toEqual(['a']);
    expect(logged.filter((l) => l.includes('DNS'))).toEqual([
      'warn agent discovery: DNS lookup failed, keeping the agents found before',
      'info agent discovery: DNS lookup works again',
    ]);
    await fleet.close();
  });

  it('leaves out an address whose agent does not answer until it does, warning once', async () => {
    const names: Answers = {};
    const { fleet, logged } = fleetWith({ addresses: ['10.0.0.9'] }, names);
    await fleet.refresh();
    await fleet.refresh();
    expect(fleet.hostNames()).toEqual([]);
    expect(logged.filter((l) => l.startsWith('warn'))).toEqual([
      'warn agent discovery: address does not answer, retrying at the next refresh',
    ]);
    names['http://10.0.0.9:9417'] = 'late';
    await fleet.refresh();
    expect(fleet.hostNames()).toEqual(['late']);
    await fleet.close();
  });

  it('stops refreshing on close()', async () => {
    jest.useFakeTimers();
    try {
      const { fleet, lookups } = fleetWith({ addresses: ['10.0.0.1'] }, { 'http://10.0.0.1:9417': 'a' });
      await fleet.start();
      await jest.advanceTimersByTimeAsync(30_000);
      expect(lookups).toHaveLength(2);
      await fleet.close();
      await jest.advanceTimersByTimeAsync(90_000);
      expect(lookups).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
