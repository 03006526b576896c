import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTestContainers, runTestContainer, testDocker, testRunId, waitFor } from '../support/engine';

const CLI = join(__dirname, '../../dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-ctl-follow-'));
const configFile = join(dir, 'dockwatch.yaml');

writeFileSync(
  configFile,
  `agent:
  dataDir: ${JSON.stringify(join(dir, 'data'))}
  hostName: ctl-follow-host
containers:
  include: { labels: { dockwatch.test.run: "${testRunId}" } }
bot:
  commandTimeout: 2s
  roles:
    viewer: { commands: [logs] }
  members:
    - { role: viewer, consoleUsers: [alice] }
`,
);

/** A running `dockwatch ctl`, its output as it comes, and its end. */
type Ctl = { child: ChildProcessWithoutNullStreams; stdout: () => string; exit: Promise<number | null> };

function ctl(...args: string[]): Ctl {
  const child = spawn('node', [CLI, '--config', configFile, 'ctl', '--as', 'alice', ...args]);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => process.env.DOCKWATCH_TEST_LOG && process.stderr.write(chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, exit };
}

/** The numbers of the `n N` lines printed so far. */
const numbers = (text: string) => [...text.matchAll(/^n (\d+)$/gm)].map((m) => Number(m[1]));

afterAll(async () => {
  await removeTestContainers();
  rmSync(dir, { recursive: true, force: true });
});

describe('dockwatch ctl logs --follow (built dist/cli.js, real engine)', () => {
  it('prints lines as they come, past the command timeout, and exits 0 when the container stops', async () => {
    const app = await runTestContainer({
      name: 'ctl-follow',
      cmd: ['sh', '-c', 'i=1; while true; do echo "n $i"; i=$((i+1)); sleep 0.2; done'],
      stopTimeoutSeconds: 1,
    });
    const run = ctl('logs', app.name, '--follow', '1m');
    await waitFor(async () => numbers(run.stdout()).length >= 15, {
      what: 'fifteen lines on stdout while the container runs',
      timeoutMs: 30_000,
    });
    expect(run.stdout()).toContain('Following for up to 1m, until the container stops; Ctrl-C ends it sooner.');
    await testDocker().getContainer(app.id).stop({ t: 1 });
    expect(await run.exit).toBe(0);
    const seen = numbers(run.stdout());
    expect(seen).toEqual(seen.map((_, i) => (seen[0] ?? 0) + i));
    expect(run.stdout()).toMatch(/the container stopped \(its log stream ended\)\. \d+ lines shown\.\n$/);
  }, 60_000);

  it('ends on Ctrl-C (SIGINT) as if Stop were pressed', async () => {
    const app = await runTestContainer({
      name: 'ctl-follow-int',
      cmd: ['sh', '-c', 'i=1; while true; do echo "n $i"; i=$((i+1)); sleep 0.2; done'],
      stopTimeoutSeconds: 1,
    });
    const run = ctl('logs', app.name, '--follow');
    await waitFor(async () => numbers(run.stdout()).length >= 3, { what: 'three lines', timeoutMs: 30_000 });
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/stopped by console:alice\. \d+ lines shown\.\n$/);
    expect((await testDocker().getContainer(app.id).inspect()).State.Running).toBe(true);
  }, 60_000);
});
