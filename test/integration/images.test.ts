import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { reclaimablePercent, type DiskUsageReport, type DiskUsageType } from '../../agent/images/diskUsage';
import { createLogger } from '../../shared/logger';
import { openStore, type Store } from '../../agent/store/database';
import { keepTag } from '../../agent/revisions/keepTags';
import { buildCommandCore } from '../../bot';
import { EngineUnavailableError } from '../../bot/agentClient';
import { formatBytes } from '../../bot/core/humanUnits';
import { RemoteAgentClient } from '../../bot/remoteAgentClient';
import { StaticFleet } from '../../bot/staticFleet';
import { botSchema } from '../../config/botSchema';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { cliImageRows, cliTotals, DOCKER_BIN, parseCliSize, sameAsCli } from '../support/dockerSystemDf';
import { removeTestContainers, testDocker, testRunId, TEST_LABEL, TEST_RUN_LABEL, waitFor } from '../support/engine';
import { findSeries, valueOf } from '../support/exposition';
import { promtoolCheckMetrics } from '../support/prometheus';

const run = promisify(execFile);
const logger = createLogger({ level: 'error', format: 'text', silent: true });
const hex = randomBytes(4).toString('hex');
const REPO = `dockwatch-test/images-${hex}`;
const TAG_A = `${REPO}:a`;
const TAG_D = `${REPO}:d`;
const TAG_B = `${REPO}:built`;
const KEEP = keepTag(`images-${hex}`, 1).ref;
const work = mkdtempSync(join(tmpdir(), 'dockwatch-images-'));
const CLI_TYPES: Record<string, DiskUsageType> = {
  Images: 'images',
  Containers: 'containers',
  'Local Volumes': 'volumes',
  'Build Cache': 'build_cache',
};

let agent: TestAgent;
let client: RemoteAgentClient;
let store: Store;
let containerName: string;
const ids: Record<'a' | 'b' | 'd1' | 'd2', string> = { a: '', b: '', d1: '', d2: '' };
const extraIds: string[] = [];

/** Imports a root filesystem (files by path, busybox with `sleep` when asked) as an image; resolves to its id. */
async function importImage(tag: string, files: Record<string, Buffer>, busybox = false): Promise<string> {
  const root = join(work, randomBytes(4).toString('hex'));
  mkdirSync(join(root, 'bin'), { recursive: true });
  if (busybox) {
    copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
    for (const applet of ['sh', 'sleep']) symlinkSync('busybox', join(root, 'bin', applet));
  }
  for (const [path, content] of Object.entries(files)) writeFileSync(join(root, path), content);
  const { stdout } = await run('sh', ['-c', `tar -C "$1" -c . | "$2" import - "$3"`, 'sh', root, DOCKER_BIN, tag]);
  return stdout.trim();
}

/**
 * Builds a small image with BuildKit (Debian's 20.10 CLI has it built in), so the engine holds build cache records
 * for the build-cache totals to be compared; resolves to the image's id.
 */
async function buildWithBuildKit(tag: string): Promise<string> {
  const context = join(work, `build-${randomBytes(4).toString('hex')}`);
  mkdirSync(context);
  writeFileSync(join(context, 'Dockerfile'), `FROM ${TAG_A}\nRUN echo ${hex} > /built\n`);
  await run('/usr/bin/docker', ['build', '-q', '-t', tag, context], { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
  const { stdout } = await run(DOCKER_BIN, ['image', 'inspect', '--format', '{{.Id}}', tag]);
  return stdout.trim();
}

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const abort = () => new AbortController().signal;
const withoutTime = (r: DiskUsageReport) => JSON.stringify({ ...r, takenAt: 0 });

beforeAll(async () => {
  ids.a = await importImage(TAG_A, { 'payload.bin': randomBytes(300_000) }, true);
  await run(DOCKER_BIN, ['tag', ids.a, KEEP]);
  ids.d1 = await importImage(TAG_D, { 'payload.bin': randomBytes(50_000) });
  ids.d2 = await importImage(TAG_D, { 'payload.bin': randomBytes(60_000) });
  ids.b = await buildWithBuildKit(TAG_B);
  containerName = `dwtest-images-user-${hex}`;
  const container = await testDocker().createContainer({
    name: containerName,
    Image: TAG_A,
    Cmd: ['sleep', '600'],
    Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: testRunId },
  });
  await container.start();
  agent = await startTestAgent('images: { usageInterval: 10s }');
  client = new RemoteAgentClient({ url: agent.url });
  store = openStore(':memory:');
}, 60_000);

afterAll(async () => {
  client?.close();
  await agent?.stop();
  store?.close();
  await removeTestContainers();
  for (const id of [ids.b, ids.a, ids.d1, ids.d2, ...extraIds].filter(Boolean)) {
    await testDocker()
      .getImage(id)
      .remove({ force: true })
      .catch(() => undefined);
  }
  // The build cache records of buildWithBuildKit (no other test builds with BuildKit).
  await run('/usr/bin/docker', ['builder', 'prune', '-f']).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('images against the real engine', () => {
  it('reports the sizes and totals docker system df -v prints', async () => {
    // Other tests share the engine: compare a CLI reading taken between two equal readings of ours.
    const reading = await waitFor(
      async () => {
        const before = await client.images({ signal: abort() });
        const [rows, totals] = [await cliImageRows(), await cliTotals()];
        const after = await client.images({ signal: abort() });
        return withoutTime(before) === withoutTime(after) ? { ours: after, rows, totals } : undefined;
      },
      { what: 'a stable disk usage reading', timeoutMs: 150_000, intervalMs: 500 },
    );
    const { ours, rows, totals } = reading;
    expect(new Set(ours.images.map((i) => i.id))).toEqual(new Set(rows.map((r) => r.ID)));
    for (const row of rows) {
      const image = ours.images.find((i) => i.id === row.ID)!;
      const problems = [
        sameAsCli(image.sizeBytes, row.Size) ? '' : `size ${image.sizeBytes} vs ${row.Size}`,
        sameAsCli(image.sharedBytes ?? -1, row.SharedSize) ? '' : `shared ${image.sharedBytes} vs ${row.SharedSize}`,
        sameAsCli(image.uniqueBytes ?? -1, row.UniqueSize) ? '' : `unique ${image.uniqueBytes} vs ${row.UniqueSize}`,
        String(image.containers) === row.Containers ? '' : `containers ${image.containers} vs ${row.Containers}`,
      ].filter(Boolean);
      expect({ id: row.ID, problems }).toEqual({ id: row.ID, problems: [] });
    }
    expect(totals.map((t) => t.Type).sort()).toEqual(Object.keys(CLI_TYPES).sort());
    expect(ours.totals.build_cache.count).toBeGreaterThan(0);
    for (const cli of totals) {
      const total = ours.totals[CLI_TYPES[cli.Type]!];
      const [, reclaimable = '', percent] = /^(\S+)(?: \((\d+)%\))?$/.exec(cli.Reclaimable) ?? [];
      expect({ type: cli.Type, count: String(total.count), active: String(total.active) }).toEqual({
        type: cli.Type,
        count: cli.TotalCount,
        active: cli.Active,
      });
      expect({ type: cli.Type, size: sameAsCli(total.sizeBytes, cli.Size) }).toEqual({ type: cli.Type, size: true });
      expect({ type: cli.Type, reclaimable: sameAsCli(total.reclaimableBytes, reclaimable) }).toEqual({
        type: cli.Type,
        reclaimable: true,
      });
      if (percent !== undefined) expect(String(reclaimablePercent(total))).toBe(percent);
    }
    const mine = ours.images.find((i) => i.id === ids.a)!;
    expect(mine).toMatchObject({ tags: expect.arrayContaining([TAG_A, KEEP]), containers: 1, state: 'in_use' });
    expect(mine.containerNames).toEqual([containerName]);
    expect(parseCliSize(rows.find((r) => r.ID === ids.a)!.Size).bytes).toBeGreaterThan(2_000_000);
  }, 180_000);

  it('lists an image with the container using it and its keep tag marked, over the control API', async () => {
    const bot = botSchema.parse({
      roles: { viewer: { commands: ['images'] } },
      members: [{ role: 'viewer', consoleUsers: ['alice'] }],
    });
    const core = buildCommandCore({ bot, fleet: new StaticFleet([client]), store, logger });
    const identity = { platform: 'console' as const, userId: 'alice' };
    const reply = await core.handle({ identity, text: `images images-${hex}` });
    expect(reply.status).toBe('ok');
    const rows = reply.table?.rows ?? [];
    const size = formatBytes((await client.images({ filter: TAG_A, signal: abort() })).images[0]!.sizeBytes);
    expect(rows.find((r) => r[0] === TAG_A)).toEqual([
      TAG_A,
      short(ids.a),
      expect.any(String),
      size,
      expect.any(String),
      expect.any(String),
      containerName,
    ]);
    expect(rows.find((r) => r[0] === `${KEEP} (keep)`)?.[1]).toBe(short(ids.a));
    expect(rows.find((r) => r[0] === TAG_D)?.[1]).toBe(short(ids.d2));
    expect(rows.map((r) => r[1])).not.toContain(short(ids.d1));
    expect(reply.code?.text).toMatch(/^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE\nImages +\d+/);

    const dangling = await core.handle({ identity, text: 'images --dangling' });
    const danglingRows = dangling.table?.rows ?? [];
    expect(danglingRows.find((r) => r[1] === short(ids.d1))?.[0]).toBe('<none>:<none>');
    expect(danglingRows.every((r) => r[0]!.endsWith(':<none>'))).toBe(true);
    expect(danglingRows.map((r) => r[1])).not.toContain(short(ids.a));
  });

  it('exports the image and disk metrics from its own readings, refreshed on images.usageInterval', async () => {
    const series = await waitFor(
      async () => {
        const s = await agent.scrape();
        return findSeries(s, 'dockwatch_image_size_bytes', { image: TAG_A }).length ? s : undefined;
      },
      { what: 'the first disk usage reading in /metrics', timeoutMs: 30_000, intervalMs: 500 },
    );
    const latest = agent.agent.diskUsage.latest!;
    const mine = latest.images.find((i) => i.id === ids.a)!;
    expect(valueOf(series, 'dockwatch_image_size_bytes', { image: KEEP, id: short(ids.a) })).toBe(mine.sizeBytes);
    const states = findSeries(series, 'dockwatch_images').map((s) => s.value);
    expect(states.reduce((a, b) => a + b, 0)).toBe(latest.images.length);
    for (const type of ['images', 'containers', 'volumes', 'build_cache']) {
      expect(valueOf(series, 'dockwatch_disk_usage_bytes', { type })).toBe(
        latest.totals[type as DiskUsageType].sizeBytes,
      );
      expect(valueOf(series, 'dockwatch_disk_reclaimable_bytes', { type })).toBeDefined();
    }
    const check = await promtoolCheckMetrics((await agent.scrapeText()).body);
    expect(check).toEqual({ ok: true, output: expect.any(String) });

    const d3 = await importImage(TAG_D, { 'payload.bin': randomBytes(70_000) });
    extraIds.push(d3);
    await waitFor(
      async () =>
        valueOf(await agent.scrape(), 'dockwatch_image_size_bytes', { image: '<none>:<none>', id: short(ids.d2) }),
      { what: 'the next reading to show the newly dangling image', timeoutMs: 30_000, intervalMs: 1000 },
    );
  }, 60_000);

  it('fails naming the engine when it is unreachable, and exports no disk figures', async () => {
    const down = await startTestAgent(`docker: { host: 'unix://${join(work, 'nobody.sock')}' }`);
    const downClient = new RemoteAgentClient({ url: down.url });
    try {
      const err = await downClient.images({ signal: abort() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineUnavailableError);
      expect((err as Error).message).toMatch(/unreachable.*nobody\.sock/);
      expect(findSeries(await down.scrape(), 'dockwatch_disk_usage_bytes')).toEqual([]);
    } finally {
      downClient.close();
      await down.stop();
    }
  });
});
