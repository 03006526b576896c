import type { ImageSource, InspectedImage } from '../../../agent/images/engineImages';
import { UpdateChecker, type UpdateNotice } from '../../../agent/images/updateChecker';
import type { ContainerRecord } from '../../../agent/inventory/containerRecord';
import { createLogger } from '../../../shared/logger';
import { DOCKER_MANIFEST } from '../../../agent/registry/manifests';
import { RegistryClient } from '../../../agent/registry/registryClient';
import { RegistryEndpoints } from '../../../agent/registry/registryEndpoint';
import { FakeTokenRegistry } from '../../support/fakeTokenRegistry';
import { record as containerRecord } from '../bot/fakeAgent';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const logger = createLogger({ level: 'error', format: 'text', silent: true });
const image = (config: string) => ({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: { digest: config } });

/** A running container `c-<id>` of `imageRef` (`imageId`), created at 0, never started. */
const record = (id: string, imageRef: string, imageId: string, labels: Record<string, string> = {}): ContainerRecord =>
  containerRecord(`c-${id}`, { id, image: imageRef, imageId, labels, createdAt: 0, startedAt: undefined });

let reg: FakeTokenRegistry;
beforeEach(async () => (reg = await FakeTokenRegistry.start({ auth: 'none' })));
afterEach(async () => reg.close());

function setup(containers: ContainerRecord[], images: Record<string, InspectedImage>, requestsPerRegistry = 100) {
  const notices: UpdateNotice[] = [];
  const inspected: string[] = [];
  const source: ImageSource = {
    environment: async () => ({ platform: { os: 'linux', architecture: 'amd64' }, endpoints: new RegistryEndpoints() }),
    inspect: async (id) => {
      inspected.push(id);
      return images[id];
    },
  };
  const checker = new UpdateChecker({
    config: { enabled: true, interval: 60_000, requestsPerRegistry, optOutLabel: 'dockwatch.update-check=false' },
    client: new RegistryClient({ endpoints: () => new RegistryEndpoints(), credentials: () => undefined }),
    source: () => source,
    containers: () => containers,
    onNotice: (n) => notices.push(n),
    logger,
    concurrency: 1,
  });
  return { checker, notices, inspected };
}

describe('UpdateChecker rounds (scripted engine, local registry fake)', () => {
  it('checks each distinct reference once, however many containers use it, and skips opt-outs, local and pinned images', async () => {
    const v1 = reg.put('app', image(d('a')), DOCKER_MANIFEST, 'v1');
    const latest = reg.put('app', image(d('b')), DOCKER_MANIFEST, 'latest');
    const ref = `${reg.host}/app`;
    const containers = [
      record('1', `${ref}:latest`, d('a')),
      record('2', `${ref}:latest`, d('a')),
      record('3', `${ref}:latest`, d('b')),
      record('4', `${ref}:v1`, d('a')),
      record('5', `${ref}:v1`, d('a'), { 'dockwatch.update-check': 'false' }),
      record('6', 'local/built:dev', d('c')),
      record('7', `${ref}@${v1}`, d('a')),
      record('8', d('a'), d('a')),
    ];
    const { checker, notices } = setup(containers, {
      [d('a')]: { id: d('a'), repoDigests: [`${ref}@${v1}`] },
      [d('b')]: { id: d('b'), repoDigests: [`${ref}@${latest}`] },
      [d('c')]: { id: d('c'), repoDigests: [] },
    });
    const report = await checker.checkNow();
    expect(report.results).toMatchObject({ update: 1, current: 1, local: 1, pinned: 2, error: 0 });
    expect(report.containers).toBe(7);
    expect(reg.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'HEAD /v2/app/manifests/latest',
      `GET /v2/app/manifests/${latest}`,
      'HEAD /v2/app/manifests/v1',
    ]);
    expect(report.requests).toEqual({ [reg.host]: 3 });
    expect(notices.map((n) => [n.container.id, n.available, n.digest])).toEqual([
      ['1', true, latest],
      ['2', true, latest],
      ['3', false, undefined],
      ['4', false, undefined],
    ]);
    expect(
      checker.results
        .all()
        .map((s) => [s.containerId, s.available])
        .sort(),
    ).toEqual([
      ['1', true],
      ['2', true],
      ['3', false],
      ['4', false],
    ]);
    expect(checker.optedOut(containers[4]!)).toBe(true);
  });

  it('stops at the per-registry budget; the references left over go first in the next round', async () => {
    const ref = `${reg.host}/app`;
    const containers: ContainerRecord[] = [];
    const images: Record<string, InspectedImage> = {};
    for (const t of ['t1', 't2', 't3', 't4', 't5']) {
      const digest = reg.put('app', image(d('a')), DOCKER_MANIFEST, t);
      images[d('a')] = { id: d('a'), repoDigests: [`${ref}@${digest}`] };
      containers.push(record(t, `${ref}:${t}`, d('a')));
    }
    const { checker } = setup(containers, images, 2);
    const first = await checker.checkNow();
    expect(first.results).toMatchObject({ current: 2, deferred: 3 });
    const second = await checker.checkNow();
    expect(second.results).toMatchObject({ current: 2, deferred: 3 });
    const third = await checker.checkNow();
    expect(third.results).toMatchObject({ current: 2, deferred: 3 });
    const heads = reg.requests.map((r) => r.path.replace('/v2/app/manifests/', ''));
    expect(heads).toEqual(['t1', 't2', 't3', 't4', 't5', 't1']);
    expect(checker.results.checks.deferred).toBe(9);
  });

  it('keeps the last answer through registry errors and backs off the failing reference', async () => {
    const ref = `${reg.host}/app`;
    const old = reg.put('app', image(d('a')), DOCKER_MANIFEST, 'old');
    reg.put('app', image(d('b')), DOCKER_MANIFEST, 'latest');
    const { checker, notices } = setup([record('1', `${ref}:latest`, d('a'))], {
      [d('a')]: { id: d('a'), repoDigests: [`${ref}@${old}`] },
    });
    await checker.checkNow();
    expect(checker.results.get('1')?.available).toBe(true);
    reg.manifestStatus = 500;
    const results = [];
    for (let i = 0; i < 6; i++) results.push((await checker.checkNow()).results);
    expect(results.map((r) => (r.error ? 'error' : r.backoff ? 'backoff' : '?'))).toEqual([
      'error',
      'error',
      'backoff',
      'error',
      'backoff',
      'backoff',
    ]);
    expect(checker.results.get('1')?.available).toBe(true);
    expect(notices).toHaveLength(1);
  });

  it('does not run while the engine is unreachable, and forgets containers that stopped', async () => {
    const containers = [record('1', `${reg.host}/app:latest`, d('a'))];
    const notices: UpdateNotice[] = [];
    let up = false;
    const checker = new UpdateChecker({
      config: { enabled: true, interval: 60_000, requestsPerRegistry: 10, optOutLabel: 'skip' },
      client: new RegistryClient({ endpoints: () => new RegistryEndpoints(), credentials: () => undefined }),
      source: () =>
        up
          ? {
              environment: async () => ({
                platform: { os: 'linux', architecture: 'amd64' },
                endpoints: new RegistryEndpoints(),
              }),
              inspect: async () => ({ id: d('a'), repoDigests: [`${reg.host}/app@${d('1')}`] }),
            }
          : undefined,
      containers: () => containers,
      onNotice: (n) => notices.push(n),
      logger,
    });
    expect((await checker.checkNow()).skipped).toBe('engine unreachable');
    expect(reg.requests).toHaveLength(0);
    up = true;
    reg.put('app', image(d('a')), DOCKER_MANIFEST, 'latest');
    await checker.checkNow();
    expect(checker.results.all()).toHaveLength(1);
    containers[0]!.state = 'exited';
    await checker.checkNow();
    expect(checker.results.all()).toHaveLength(0);
    expect(checker.optedOut({ labels: { skip: 'anything' } })).toBe(true);
  });
});
