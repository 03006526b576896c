import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './agentProcess';
import { keepOutput, stopChild } from './childProcess';
import { IDLE_LABEL, IDLE_LABEL_VALUE } from './idleFleet';

/** A child process of the idle bench: its pid, its last output, and how to stop it. */
export type IdleChild = { pid: number; output: () => string; stop: () => Promise<void> };

function track(child: ChildProcess, what: string, cleanup: () => void): IdleChild {
  const output = keepOutput(child, 8000);
  if (child.pid === undefined) throw new Error(`could not start ${what}`);
  return {
    pid: child.pid,
    output,
    async stop() {
      await stopChild(child, 15_000);
      cleanup();
    },
  };
}

/** Polls `check` every 200 ms until it holds, or fails after `ms` with `what` and the child's output. */
async function waitUntil(check: () => Promise<boolean>, ms: number, what: string, child: IdleChild): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${ms / 1000} s; its output:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts the built agent (`node FLAGS dist/cli.js agent`) on a free loopback port, with the default sampling interval,
 * watching only the idle bench's containers, no alert rules and no scrapes; resolves once `/readyz` answers 200.
 */
export async function startIdleAgent(cliPath: string, nodeArgs: readonly string[]): Promise<IdleChild> {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-idle-'));
  const config = join(dir, 'idle.yaml');
  writeFileSync(
    config,
    [
      'agent:',
      `  dataDir: ${JSON.stringify(join(dir, 'data'))}`,
      '  logLevel: warn',
      'containers:',
      `  include: { labels: { ${IDLE_LABEL}: ${IDLE_LABEL_VALUE} } }`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const args = [...nodeArgs, cliPath, 'agent', '--listen', `127.0.0.1:${port}`, '--config', config];
  const env = { ...process.env, DOCKWATCH_CONFIG: undefined };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const agent = track(child, `the agent: ${process.execPath} ${args.join(' ')}`, () =>
    rmSync(dir, { recursive: true, force: true }),
  );
  try {
    const ready = async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
    await waitUntil(ready, 60_000, 'the agent was ready', agent);
  } catch (err) {
    await agent.stop();
    throw err;
  }
  return agent;
}

/** How a minimal reader reads each file: open-read-close (`sync`) or one pread on a kept descriptor (`pread`). */
export type FloorMode = 'sync' | 'pread';

/** Starts a minimal reader (idleFloorProcess.js) over `paths` every `intervalMs`; resolves after its first pass. */
export async function startFloorProcess(
  paths: readonly string[],
  intervalMs: number,
  mode: FloorMode,
  nodeArgs: readonly string[],
): Promise<IdleChild> {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-idle-floor-'));
  const file = join(dir, 'paths.json');
  writeFileSync(file, JSON.stringify(paths));
  const args = [...nodeArgs, join(__dirname, 'idleFloorProcess.js'), file, String(intervalMs), mode];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const floor = track(child, `the minimal reader: ${args.join(' ')}`, () =>
    rmSync(dir, { recursive: true, force: true }),
  );
  try {
    await waitUntil(async () => floor.output().includes('ready'), 30_000, 'the minimal reader started', floor);
  } catch (err) {
    await floor.stop();
    throw err;
  }
  return floor;
}
