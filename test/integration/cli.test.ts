import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/freePort';
import { waitFor } from '../support/engine';

const CLI = join(__dirname, '../../dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-cli-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dockwatch command line (built dist/cli.js)', () => {
  it('prints its version and help', () => {
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = run(['--help']);
    expect(help.code).toBe(0);
    for (const word of [
      'run',
      'agent',
      'config',
      '--listen',
      '--docker-host',
      '--data-dir',
      '--log-level',
      '--log-format',
    ]) {
      expect(help.stdout).toContain(word);
    }
  });

  it('config check prints the effective config with secrets hidden', () => {
    const path = file('good.yaml', 'agent:\n  listen: 0.0.0.0:9417\n  token: ${TOK}\nstats:\n  interval: 10s\n');
    const r = run(['config', 'check', path], { TOK: 'hunter2-very-secret' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('token: <secret>');
    expect(r.stdout).toContain('interval: 10s');
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });

  it('config check names every bad key and value and exits 2', () => {
    const path = file('bad.yaml', 'stats:\n  interval: 5 sec\n  colector: api\n');
    const r = run(['config', 'check', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stats.interval: "5 sec" is not a duration');
    expect(r.stderr).toContain('stats.colector: unknown key (did you mean "collector"?)');
  });

  it('refuses to start with a bad config or env override, before listening', async () => {
    const port = await freePort();
    const bad = run(['run', '--listen', `127.0.0.1:${port}`], { DOCKWATCH_STATS_INTERVAL: 'soon' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('DOCKWATCH_STATS_INTERVAL');
    const open = run(['run', '--listen', `0.0.0.0:${port}`]);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('agent.token');
  });

  it('runs the agent, logs JSON when asked, and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(
      'node',
      [CLI, 'run', '--listen', `127.0.0.1:${port}`, '--log-format', 'json', '--data-dir', dir],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
      what: 'the agent to be ready',
      timeoutMs: 20_000,
    });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('dockwatch_engine_up 1');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = stderr.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(lines.some((l) => (JSON.parse(l) as { message: string }).message === 'shutting down')).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
