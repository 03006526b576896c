import { diskUsageReport } from '../../../agent/images/diskUsage';
import { normaliseDiskUsage } from '../../../agent/images/readDiskUsage';
import { createLogger } from '../../../shared/logger';
import { openStore, type Store } from '../../../agent/store/database';
import { buildCommandCore } from '../../../bot';
import type { Identity } from '../../../bot/core/identity';
import { StaticFleet } from '../../../bot/staticFleet';
import { botSchema } from '../../../config/botSchema';
import { FakeAgent, record } from './fakeAgent';

const logger = createLogger({ level: 'error', format: 'text', silent: true });
const NOW = 1_800_000_000_000;
const bot = botSchema.parse({
  roles: {
    viewer: { commands: ['images'] },
    webViewer: { commands: ['images'], containers: { names: ['web*'] } },
    psOnly: { commands: ['ps'] },
  },
  members: [
    { role: 'viewer', consoleUsers: ['alice'] },
    { role: 'webViewer', consoleUsers: ['bob'] },
    { role: 'psOnly', consoleUsers: ['carol'] },
  ],
});
const as = (userId: string): Identity => ({ platform: 'console', userId });

const MiB = 1024 * 1024;
const report = diskUsageReport(
  normaliseDiskUsage({
    LayersSize: 300 * MiB,
    Images: [
      {
        Id: `sha256:${'a'.repeat(64)}`,
        RepoTags: ['app:2'],
        Created: NOW / 1000 - 3600,
        Size: 100 * MiB,
        SharedSize: 40 * MiB,
        Containers: 3,
      },
      {
        Id: `sha256:${'b'.repeat(64)}`,
        RepoTags: ['app:1', 'dockwatch-keep/web:rev-1'],
        Created: NOW / 1000 - 7200,
        Size: 90 * MiB,
        SharedSize: 40 * MiB,
        Containers: 0,
      },
      { Id: `sha256:${'c'.repeat(64)}`, RepoTags: [], Created: NOW / 1000 - 86400, Size: 2048, SharedSize: -1 },
    ],
    Containers: [
      { Id: 'w', Names: ['/web'], ImageID: `sha256:${'a'.repeat(64)}`, State: 'running', SizeRw: MiB },
      { Id: 'd', Names: ['/db'], ImageID: `sha256:${'a'.repeat(64)}`, State: 'exited', SizeRw: MiB },
    ],
    Volumes: [{ Name: 'v', UsageData: { Size: 0, RefCount: 1 } }],
  }),
  NOW,
  () => true,
);

let store: Store;
let agent: FakeAgent;

function core(agents = [agent]) {
  return buildCommandCore({ bot, fleet: new StaticFleet(agents), store, logger, now: () => NOW });
}

beforeEach(() => {
  store = openStore(':memory:');
  agent = new FakeAgent([record('web'), record('db')]);
  agent.imageReport = report;
});
afterEach(() => store.close());

describe('images', () => {
  it('lists every image name newest first with sizes and users, keep tags marked, then the totals', async () => {
    const reply = await core().handle({ identity: as('alice'), text: 'images' });
    expect(reply.status).toBe('ok');
    expect(reply.title).toBe('Images on host-a');
    expect(reply.text).toBe('3 images.');
    expect(reply.table?.columns).toEqual(['IMAGE', 'ID', 'CREATED', 'SIZE', 'SHARED', 'UNIQUE', 'USED BY']);
    expect(reply.table?.rows).toEqual([
      ['app:2', 'aaaaaaaaaaaa', '1h ago', '100 MiB', '40 MiB', '60 MiB', 'db, web +1 other'],
      ['app:1', 'bbbbbbbbbbbb', '2h ago', '90 MiB', '40 MiB', '50 MiB', '-'],
      ['dockwatch-keep/web:rev-1 (keep)', 'bbbbbbbbbbbb', '2h ago', '90 MiB', '40 MiB', '50 MiB', '-'],
      ['<none>:<none>', 'cccccccccccc', '1d ago', '2.0 KiB', 'N/A', 'N/A', '-'],
    ]);
    expect(reply.code?.text.split('\n')).toEqual([
      'TYPE           TOTAL  ACTIVE  SIZE     RECLAIMABLE',
      'Images         3      1       300 MiB  240 MiB (80%)',
      'Containers     2      1       2.0 MiB  1.0 MiB (50%)',
      'Local Volumes  1      1       0 B      0 B',
      'Build Cache    0      0       0 B      0 B',
    ]);
  });

  it('filters by glob or substring, and --dangling keeps untagged images only', async () => {
    const glob = await core().handle({ identity: as('alice'), text: 'images app:*' });
    expect(glob.table?.rows.map((r) => r[0])).toEqual(['app:2', 'app:1']);
    expect(glob.text).toBe('2 images matching "app:*".');
    const keep = await core().handle({ identity: as('alice'), text: 'images keep' });
    expect(keep.table?.rows.map((r) => r[0])).toEqual(['dockwatch-keep/web:rev-1 (keep)']);
    const dangling = await core().handle({ identity: as('alice'), text: 'images --dangling' });
    expect(dangling.table?.rows.map((r) => r[0])).toEqual(['<none>:<none>']);
    const none = await core().handle({ identity: as('alice'), text: 'images nginx' });
    expect(none).toMatchObject({ status: 'ok', text: 'No images matching "nginx".' });
    expect(none.table).toBeUndefined();
    expect(none.code?.text).toContain('Images         3');
  });

  it("names only the containers the user's roles cover, counting the others", async () => {
    const reply = await core().handle({ identity: as('bob'), text: 'images app:2' });
    expect(reply.table?.rows[0]?.[6]).toBe('web +2 others');
  });

  it('is denied without a role granting images', async () => {
    const reply = await core().handle({ identity: as('carol'), text: 'images' });
    expect(reply.status).toBe('denied');
  });

  it('fails naming the engine when it is unreachable, and lists the hosts that answer otherwise', async () => {
    agent.engineDown = true;
    const down = await core().handle({ identity: as('alice'), text: 'images' });
    expect(down.status).toBe('failed');
    expect(down.text).toContain('the Docker engine is unreachable');
    const other = new FakeAgent([record('cache')]);
    other.host = 'host-b';
    other.imageReport = report;
    const two = await core([agent, other]).handle({ identity: as('alice'), text: 'images app:1' });
    expect(two.status).toBe('ok');
    expect(two.table?.columns[0]).toBe('HOST');
    expect(two.table?.rows.map((r) => `${r[0]} ${r[1]}`)).toEqual(['host-b app:1']);
    expect(two.text).toMatch(/^1 image matching "app:1"\. Not answering: host-a: the Docker engine is unreachable/);
    expect(two.code?.text.split('\n')[0]).toBe('HOST    TYPE           TOTAL  ACTIVE  SIZE     RECLAIMABLE');
  });
});
