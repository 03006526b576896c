import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_LABEL } from './benchFleet';
import { keepOutput, stopChild } from './childProcess';

/** Options of {@link startAgentProcess}. */
export type AgentProcessOptions = {
  /** Compiled CLI (`dist/cli.js`). */
  cliPath: string;
  /** Extra node flags for the agent, e.g. `--cpu-prof --cpu-prof-dir DIR`. */
  nodeArgs?: string[];
};

/** The agent under test, running as `node dist/cli.js run` in its own process. */
export type AgentProcess = {
  pid: number;
  url: string;
  /** `performance.now()` when the process was spawned: start-up times count from here. */
  spawnedAt: number;
  output: () => string;
  stop: () => Promise<void>;
};

/** A TCP port free on 127.0.0.1 right now. */
/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * Starts the agent on a free loopback port with a config that watches only the bench containers (default 5 s
 * sampling interval, so scrapes meet sampling passes as they would in production). Its log is kept for errors.
 */
export async function startAgentProcess(opts: AgentProcessOptions): Promise<AgentProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-bench-'));
  const config = join(dir, 'bench.yaml');
  writeFileSync(
    config,
    [
      'agent:',
      `  dataDir: ${join(dir, 'data')}`,
      '  logLevel: warn',
      'stats:',
      '  interval: 5s',
      'containers:',
      `  include: { labels: { ${BENCH_LABEL}: "1" } }`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const args = [...(opts.nodeArgs ?? []), opts.cliPath, 'run', '--listen', `127.0.0.1:${port}`, '--config', config];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = keepOutput(child, 8000);
  if (child.pid === undefined) throw new Error(`could not start the agent: ${process.execPath} ${args.join(' ')}`);
  return {
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    spawnedAt,
    output,
    async stop() {
      await stopChild(child, 15_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resident memory of a process now and at its peak (`VmRSS`, `VmHWM` from `/proc/<pid>/status`), in bytes. */
export function processMemory(pid: number): { rssBytes: number; peakBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssBytes: kb('VmRSS'), peakBytes: kb('VmHWM') };
}
