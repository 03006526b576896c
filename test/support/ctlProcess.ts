import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_RUN_LABEL, testRunId } from './engine';
import { waitFor } from './waitFor';

/** The built CLI, from these sources (test/support) and from their build (dist/test/support, for the soak). */
export const BUILT_CLI =
  [join(__dirname, '../../dist/cli.js'), join(__dirname, '../../cli.js')].find((f) => existsSync(f)) ??
  join(__dirname, '../../dist/cli.js');
const CLI = BUILT_CLI;
const exec = promisify(execFile);

/** How one `dockwatch ctl` run ended: exit code and output. */
export type Ran = { code: number; stdout: string; stderr: string };

/** Runs the built `dockwatch ctl --as USER ARGS…` with a config file; never rejects, the exit code says how it went. */
export async function runCtl(configFile: string, user: string, ...args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await exec('node', [CLI, '--config', configFile, 'ctl', '--as', user, ...args], {
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** One row of `ctl history`, as a user reads it. */
export type HistoryRow = {
  revision: number;
  current: boolean;
  image: string;
  changes: string;
  lastRun: string;
  line: string;
};

/** `ctl history NAME` parsed from its aligned table (REVISION, RECORDED, IMAGE, CHANGES, LAST RUN). */
export async function ctlHistory(configFile: string, user: string, name: string): Promise<HistoryRow[]> {
  const r = await runCtl(configFile, user, 'history', name);
  if (r.code !== 0) throw new Error(`ctl history exited ${r.code}: ${r.stderr}`);
  const lines = r.stdout.split('\n');
  const header = lines.find((l) => l.startsWith('REVISION')) ?? '';
  const at = (column: string) => header.indexOf(column);
  return lines
    .filter((l) => /^\d+/.test(l))
    .map((line) => ({
      revision: Number(/^\d+/.exec(line)?.[0]),
      current: line.slice(0, at('RECORDED')).includes('(current)'),
      image: line.slice(at('IMAGE'), at('CHANGES')).trim().split(' ')[0] ?? '',
      changes: line.slice(at('CHANGES'), at('LAST RUN')).trim(),
      lastRun: line.slice(at('LAST RUN')).trim(),
      line,
    }));
}

/** History rows in one line each: `2* image healthy` (`*` marks the current one). */
export const historySummary = (rows: HistoryRow[]) =>
  rows.map((r) => `${r.revision}${r.current ? '*' : ''} ${r.image} ${r.lastRun}`);

/** Polls `ctl history` until `ok` holds (45 s at most), naming the last rows when it never does. */
export async function ctlHistoryUntil(
  configFile: string,
  user: string,
  name: string,
  what: string,
  ok: (rows: HistoryRow[]) => boolean,
): Promise<HistoryRow[]> {
  let last: HistoryRow[] = [];
  return waitFor(
    async () => {
      last = await ctlHistory(configFile, user, name);
      return ok(last) ? last : undefined;
    },
    {
      what: async () => `${what} (last: ${JSON.stringify(last.map((r) => r.line.replace(/\s+/g, ' ')))})`,
      timeoutMs: 45_000,
      intervalMs: 500,
    },
  );
}

/** Where an agent of a test keeps its data and answers, and under which host name. */
export type AgentPlace = { dataDir: string; port?: number; hostName?: string };

/**
 * Writes the config of a `dockwatch agent` process and of `ctl` on its data dir: this run's containers, `more`
 * top-level lines, and alice as the console admin; the control API on 127.0.0.1:`port` when a port is given.
 */
export function writeAgentConfig(file: string, { dataDir, port, hostName }: AgentPlace, more: string[] = []): void {
  writeFileSync(
    file,
    [
      'agent:',
      `  dataDir: ${JSON.stringify(dataDir)}`,
      ...(port === undefined ? [] : [`  listen: 127.0.0.1:${port}`]),
      ...(hostName === undefined ? [] : [`  hostName: ${hostName}`]),
      'containers:',
      `  include: { labels: { ${TEST_RUN_LABEL}: "${testRunId}" } }`,
      ...more,
      'bot:',
      '  roles: { admin: { commands: ["*"] } }',
      '  members: [{ role: admin, consoleUsers: [alice] }]',
    ].join('\n'),
  );
}

/** A `dockwatch agent` process of the built CLI on `port` (ready, its /readyz answering, unless told not to wait). */
export type AgentProcess = { process: ChildProcess; log: () => string; stop: () => Promise<void> };

/** How {@link startAgentProcess} runs node: flags before the CLI (default none), the environment (default this one's). */
export type AgentProcessOptions = {
  nodeArgs?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Whether to wait until /readyz answers (default true); false returns right after the spawn, for agents not ready. */
  waitForReady?: boolean;
};

/**
 * Starts `dockwatch agent` with a config file and waits until it is ready (unless `waitForReady` is false); keeps the
 * last 64 KB of its stderr; `stop` sends SIGTERM and waits.
 */
export async function startAgentProcess(
  configFile: string,
  port: number,
  options: AgentProcessOptions = {},
): Promise<AgentProcess> {
  let log = '';
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, '--config', configFile, 'agent'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-65_536)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  if (options.waitForReady === false) return { process: child, log: () => log, stop };
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok === true, {
      what: 'the agent to be ready',
      timeoutMs: 30_000,
    });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}; its log:\n${log}`);
  }
  return { process: child, log: () => log, stop };
}
