import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeTestContainers, runTestContainer, testDocker, testRunId, waitFor } from '../support/engine';

const CLI = join(__dirname, '../../dist/cli.js');
const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-ctl-'));
const configFile = join(dir, 'dockwatch.yaml');

writeFileSync(
  configFile,
  `agent:
  dataDir: ${JSON.stringify(join(dir, 'data'))}
  hostName: ctl-host
containers:
  include: { labels: { dockwatch.test.run: "${testRunId}" } }
stats:
  interval: 1s
bot:
  roles:
    viewer: { commands: [ps, logs, stats, inspect, audit, help] }
    admin: { commands: ["*"], seeSecrets: true }
  members:
    - { role: admin, consoleUsers: [alice] }
    - { role: viewer, consoleUsers: [bob] }
`,
);

/** Runs the built CLI: `dockwatch --config FILE ctl ...args`. */
async function ctl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', [CLI, '--config', configFile, 'ctl', ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function state(id: string): Promise<string> {
  return (await testDocker().getContainer(id).inspect()).State.Status;
}

describe('dockwatch ctl (built dist/cli.js, real engine)', () => {
  let app: { id: string; name: string };

  beforeAll(async () => {
    app = await runTestContainer({
      name: 'ctl',
      cmd: ['sh', '-c', 'echo hello-from-ctl; echo DB_PASSWORD is not here >&2; exec sleep 600'],
      env: { DB_PASSWORD: 'hunter2', MODE: 'prod' },
      stopTimeoutSeconds: 1,
    });
  });

  afterAll(async () => {
    await removeTestContainers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ps lists the test container for alice', async () => {
    const r = await ctl('ps', '--as', 'alice');
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toContain('Containers on ctl-host');
    expect(r.stdout).toMatch(new RegExp(`${app.name}\\s+running`));
  });

  it('logs shows the container lines, stdout and stderr', async () => {
    const r = await waitFor(
      async () => {
        const out = await ctl('logs', app.name, '--tail', '10', '--as', 'bob');
        return out.stdout.includes('is not here') ? out : undefined;
      },
      { what: 'both log lines', timeoutMs: 30_000 },
    );
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toContain('hello-from-ctl');
  });

  it('inspect hides secret env values from a viewer and shows them to a seeSecrets role', async () => {
    const bob = await ctl('inspect', app.name, '--as', 'bob');
    expect(bob).toMatchObject({ code: 0 });
    expect(bob.stdout).toContain('DB_PASSWORD=<redacted>');
    expect(bob.stdout).toContain('MODE=prod');
    expect(bob.stdout).not.toContain('hunter2');
    expect((await ctl('inspect', app.name, '--as', 'alice')).stdout).toContain('DB_PASSWORD=hunter2');
  });

  it('denies stop to a viewer (exit 3) and stops nothing', async () => {
    const r = await ctl('stop', app.name, '--as', 'bob');
    expect(r).toMatchObject({ code: 3 });
    expect(r.stderr).toContain('no role of console:bob (viewer) allows stop');
    expect(await state(app.id)).toBe('running');
  });

  it('denies everything to a user without a role', async () => {
    const r = await ctl('ps', '--as', 'mallory');
    expect(r).toMatchObject({ code: 3 });
    expect(r.stderr).toContain('console:mallory has no role (deny by default)');
  });

  it('answers an unknown container with a suggestion (exit 4)', async () => {
    const r = await ctl('logs', app.name.slice(0, -1) + 'x', '--as', 'alice');
    expect(r).toMatchObject({ code: 4 });
    expect(r.stderr).toContain(`did you mean ${app.name}?`);
  });

  it('asks for --yes before stopping, then stops with it', async () => {
    const ask = await ctl('stop', app.name, '--as', 'alice');
    expect(ask).toMatchObject({ code: 4 });
    expect(ask.stdout).toContain(`stop ${app.name} needs a confirmation: run it again with --yes.`);
    expect(await state(app.id)).toBe('running');

    const stop = await ctl('stop', app.name, '--as', 'alice', '--yes');
    expect(stop).toMatchObject({ code: 0 });
    expect(stop.stdout).toContain(`Stopped ${app.name}`);
    expect(await state(app.id)).toBe('exited');
  });

  it('audit lists those decisions, across invocations', async () => {
    const r = await ctl('audit', '--last', '100', '--as', 'alice');
    expect(r).toMatchObject({ code: 0 });
    const rows = r.stdout.split('\n');
    const has = (user: string, command: string, event: string) =>
      rows.some((row) => row.includes(user) && row.includes(command) && new RegExp(`\\s${event}\\s`).test(row));
    expect(has('console:bob', `stop ${app.name}`, 'denied')).toBe(true);
    expect(has('console:mallory', 'ps', 'denied')).toBe(true);
    expect(has('console:alice', `stop ${app.name}`, 'confirmation-requested')).toBe(true);
    expect(has('console:alice', `stop ${app.name}`, 'succeeded')).toBe(true);
  });

  it('exits 2 on a bad config', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'bot:\n  roles:\n    viewer: { commands: [ps, frobnicate] }\n');
    const r = await exec('node', [CLI, '--config', bad, 'ctl', 'ps', '--as', 'alice']).catch((e: unknown) => e);
    const e = r as { code?: number; stderr?: string };
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('bot.roles.viewer.commands[1]: "frobnicate" is not a command');
  });
});
