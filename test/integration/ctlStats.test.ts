import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  removeTestContainers,
  TEST_IMAGE_V1,
  TEST_LABEL,
  TEST_RUN_LABEL,
  testDocker,
  testRunId,
} from '../support/engine';

/*
 * What a newcomer types first, with the default stats.interval (5 s): `dockwatch ctl stats` starts a passive agent
 * that has no sample yet; the reply must still show every running container's figures, in natural name order.
 */

const CLI = join(__dirname, '../../dist/cli.js');
const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-ctl-stats-'));
const prefix = `dwtest-ctlstats-${randomBytes(3).toString('hex')}`;
const names = [`${prefix}-10`, `${prefix}-2`, `${prefix}-1`];

/** A config for ctl with the default sampling interval and the given collector. */
function configWith(collector: 'auto' | 'api'): string {
  const file = join(dir, `${collector}.yaml`);
  writeFileSync(
    file,
    `agent:
  dataDir: ${JSON.stringify(join(dir, 'data'))}
  hostName: ctl-stats-host
stats:
  collector: ${collector}
containers:
  include: { labels: { dockwatch.test.run: "${testRunId}" } }
bot:
  roles: { admin: { commands: ["*"] } }
  members: [{ role: admin, consoleUsers: [alice] }]
`,
  );
  return file;
}

async function ctl(
  collector: 'auto' | 'api',
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const file = configWith(collector);
    const { stdout, stderr } = await exec('node', [CLI, '--config', file, 'ctl', ...args], { timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The cells of one row of an aligned table, by the columns its header names. */
function cellsOf(header: string, row: string): Record<string, string> {
  const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], at: m.index ?? 0 }));
  return Object.fromEntries(
    starts.map((col, i) => [col.name, row.slice(col.at, starts[i + 1]?.at ?? row.length).trim()]),
  );
}

describe('dockwatch ctl stats (built dist/cli.js, real engine, default sampling interval)', () => {
  beforeAll(async () => {
    for (const name of names) {
      const c = await testDocker().createContainer({
        name,
        Image: TEST_IMAGE_V1,
        Cmd: ['sleep', '3600'],
        Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: testRunId },
        HostConfig: { NetworkMode: 'none' },
      });
      await c.start();
    }
  });

  /** The rows of a successful `stats` reply for the test's containers, checked to be in natural order. */
  function statsRows(r: { code: number; stdout: string }): Record<string, string>[] {
    expect(r).toMatchObject({ code: 0 });
    const lines = r.stdout.split('\n');
    const header = lines.find((line) => line.startsWith('NAME')) ?? '';
    const rows = lines.filter((line) => line.startsWith(prefix)).map((line) => cellsOf(header, line));
    expect(rows.map((row) => row.NAME)).toEqual([`${prefix}-1`, `${prefix}-2`, `${prefix}-10`]);
    return rows;
  }

  afterAll(async () => {
    await removeTestContainers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fills every row (CPU, memory, processes) on the first try, names in natural order', async () => {
    const r = await ctl('auto', 'stats', '--as', 'alice');
    const rows = statsRows(r);
    for (const row of rows) {
      expect(row).toEqual({
        NAME: expect.any(String),
        CPU: expect.stringMatching(/^\d+\.\d%$/),
        MEMORY: expect.stringMatching(/^\d+(\.\d)? (B|KiB|MiB)/),
        'NET RX/TX': expect.stringMatching(/^\d+(\.\d)? (B|KiB|MiB) \/ \d+(\.\d)? (B|KiB|MiB)$/),
        PIDS: expect.stringMatching(/^\d+$/),
      });
    }
  });

  it('fills every row with the Engine API collector too, whose first pass takes a while', async () => {
    const r = await ctl('api', 'stats', '--as', 'alice');
    const rows = statsRows(r);
    for (const row of rows) {
      // No network of their own (--network none) and no process count from the Engine API: n/a, not blank.
      expect(row).toEqual({
        NAME: expect.any(String),
        CPU: expect.stringMatching(/^\d+\.\d%$/),
        MEMORY: expect.stringMatching(/^\d+(\.\d)? (B|KiB|MiB)/),
        'NET RX/TX': 'n/a',
        PIDS: 'n/a',
      });
    }
  });

  it('lists them in the same order in ps', async () => {
    const r = await ctl('auto', 'ps', '--as', 'alice');
    expect(r).toMatchObject({ code: 0 });
    const order = r.stdout
      .split('\n')
      .filter((line) => line.startsWith(prefix))
      .map((line) => line.split(/\s+/)[0]);
    expect(order).toEqual([`${prefix}-1`, `${prefix}-2`, `${prefix}-10`]);
  });
});
