import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { ContainerRecord } from '../../../agent/inventory/containerRecord';
import { testRecord } from '../../support/records';
import type { EngineStatsPayload } from '../../../agent/stats/engineStatsParser';
import { apiCollector, apiVersionAtLeast, dockerStatsFetcher } from '../../../agent/stats/apiCollector';

const fixtureText = (name: string): string =>
  readFileSync(join(__dirname, '../../fixtures/engine-stats', name), 'utf8');
const fixture = (name: string): EngineStatsPayload => JSON.parse(fixtureText(name)) as EngineStatsPayload;

const record = (id: string, overrides: Partial<ContainerRecord> = {}): ContainerRecord =>
  testRecord(id, { name: `c-${id}`, pid: 1, ...overrides });

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class HttpError extends Error {
  constructor(readonly statusCode: number) {
    super(`(HTTP code ${statusCode})`);
  }
}

describe('apiCollector', () => {
  it('is named api and samples every container with the injected clock', async () => {
    const collector = apiCollector({ fetchStats: async () => fixture('v2.json'), concurrency: 2, now: () => 42 });
    expect(collector.name).toBe('api');
    const samples = await collector.collect([record('a'), record('b')]);
    expect(samples.map((s) => [s.id, s.cgroupPath, s.timestampMs, s.memory?.workingSetBytes])).toEqual([
      ['a', '/docker/a', 42, 39845888],
      ['b', '/docker/b', 42, 39845888],
    ]);
  });

  it('never has more requests in flight than the bound, and uses all of it', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const fetched: string[] = [];
    const collector = apiCollector({
      concurrency: 4,
      fetchStats: async (id) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        fetched.push(id);
        for (let i = 0; i < 1 + (fetched.length % 3); i++) await tick();
        inFlight--;
        return fixture('v1.json');
      },
    });
    const containers = Array.from({ length: 25 }, (_, i) => record(`c${i}`));
    const samples = await collector.collect(containers);
    expect(maxInFlight).toBe(4);
    expect(samples.map((s) => s.id)).toEqual(containers.map((c) => c.id));
  });

  it('leaves out failed containers, reports each failure, and returns the others', async () => {
    const notFound = new HttpError(404);
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const errors: Array<[string, unknown]> = [];
    const collector = apiCollector({
      concurrency: 2,
      fetchStats: async (id) => {
        await tick();
        if (id === 'gone') throw notFound;
        if (id === 'slow') throw timeout;
        return fixture('v1.json');
      },
      onError: (id, error) => errors.push([id, error]),
    });
    const samples = await collector.collect([record('a'), record('gone'), record('b'), record('slow'), record('c')]);
    expect(samples.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(samples[0]?.cpu?.usageSeconds).toBe(1.136573631);
    expect(errors).toEqual([
      ['gone', notFound],
      ['slow', timeout],
    ]);
  });

  it('leaves out a container that stopped (zeroed 200 payload) without counting an error', async () => {
    const onError = jest.fn();
    const collector = apiCollector({
      concurrency: 3,
      fetchStats: async (id) => fixture(id === 'stopped' ? 'stopped.json' : 'v2.json'),
      onError,
    });
    const samples = await collector.collect([record('a'), record('stopped')]);
    expect(samples.map((s) => s.id)).toEqual(['a']);
    expect(onError).not.toHaveBeenCalled();
  });

  it('returns nothing for no containers', async () => {
    const fetchStats = jest.fn();
    expect(await apiCollector({ fetchStats, concurrency: 1 }).collect([])).toEqual([]);
    expect(fetchStats).not.toHaveBeenCalled();
  });

  it('uses the cgroup path and device resolvers given by the wiring', async () => {
    const collector = apiCollector({
      concurrency: 1,
      fetchStats: async () => fixture('v2.json'),
      cgroupPath: (c) => `/system.slice/docker-${c.id}.scope`,
      deviceName: (major, minor) => (major === 8 ? '/dev/sda' : `${major}:${minor}`),
    });
    const [sample] = await collector.collect([record('a')]);
    expect(sample?.cgroupPath).toBe('/system.slice/docker-a.scope');
    expect(sample?.blkio?.map((d) => d.device)).toEqual(['/dev/sda', '259:0']);
  });

  it('accepts an async device namer and keeps MAJ:MIN for devices it cannot name', async () => {
    const collector = apiCollector({
      concurrency: 1,
      fetchStats: async () => fixture('v1.json'),
      deviceName: async (major, minor) => {
        if (minor === 16) throw new Error('no uevent');
        return major === 254 ? '/dev/vda' : `${major}:${minor}`;
      },
    });
    const [sample] = await collector.collect([record('a')]);
    expect(sample?.blkio).toEqual([
      { device: '/dev/vda', readBytes: 3211264, writeBytes: 41943040, reads: 98, writes: 320 },
      { device: '254:16', readBytes: 65536, writeBytes: 0, reads: 4, writes: 0 },
    ]);
  });

  it.each([0, -2, 2.5])('rejects the concurrency %p at construction', (concurrency) => {
    expect(() => apiCollector({ fetchStats: jest.fn(), concurrency })).toThrow(RangeError);
  });
});

describe('apiVersionAtLeast', () => {
  it.each([
    ['1.41', true],
    ['v1.41', true],
    ['1.44', true],
    ['2.0', true],
    ['1.40', false],
    ['1.5', false],
    ['', false],
    ['latest', false],
  ])('%p >= 1.41 is %p', (version, expected) => {
    expect(apiVersionAtLeast(version, 1, 41)).toBe(expected);
  });
});

describe('dockerStatsFetcher against a fake engine socket', () => {
  let dir: string;
  let socketPath: string;
  let server: Server;
  let urls: string[];
  let respond: (url: string) => { status: number; body: string } | 'hang';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-api-'));
    socketPath = join(dir, 'docker.sock');
    server = createServer((req, res) => {
      urls.push(req.url ?? '');
      const answer = respond(req.url ?? '');
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });

  beforeEach(() => {
    urls = [];
    respond = () => ({ status: 200, body: fixtureText('v1.json') });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for one-shot on API 1.41 and returns the parsed payload', async () => {
    const fetchStats = dockerStatsFetcher(new Docker({ socketPath, version: 'v1.41' }), '1.41');
    const stats = await fetchStats('abc');
    expect(urls).toEqual(['/v1.41/containers/abc/stats?stream=false&one-shot=true']);
    expect(stats.memory_stats?.failcnt).toBe(910);
  });

  it('does not send one-shot to an older engine', async () => {
    await dockerStatsFetcher(new Docker({ socketPath, version: 'v1.40' }), '1.40')('abc');
    expect(urls).toEqual(['/v1.40/containers/abc/stats?stream=false']);
  });

  it('rejects with the status code when the container is gone', async () => {
    respond = () => ({ status: 404, body: '{"message":"No such container: abc"}' });
    const fetchStats = dockerStatsFetcher(new Docker({ socketPath }), '1.41');
    await expect(fetchStats('abc')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('abandons a request that outlives the timeout', async () => {
    respond = () => 'hang';
    const fetchStats = dockerStatsFetcher(new Docker({ socketPath }), '1.41', { timeoutMs: 50 });
    await expect(fetchStats('abc')).rejects.toThrow(/abort/i);
  });
});
