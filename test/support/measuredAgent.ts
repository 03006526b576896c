import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startAgentProcess } from './ctlProcess';
import { parseExposition, type Series } from './exposition';
import { freePort } from './freePort';
import { waitFor } from './waitFor';

/** What /proc says about a process: resident set now and at its peak, and open file descriptors. */
export type ProcessStats = { rssBytes: number; peakRssBytes: number; fds: number };

/** Reads VmRSS, VmHWM (the kernel's high-water mark of the RSS) and the entries of /proc/<pid>/fd. */
export function processStats(pid: number): ProcessStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM'), fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** A file of the build (`dist/…`), found from here in the sources and in dist/ alike. */
export function builtFile(path: string): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const file = join(dir, 'dist', path);
      if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
      return file;
    }
  }
  throw new Error(`no package.json above ${__dirname}`);
}

/** The node flags of the built CLI's `#!/usr/bin/env -S node …` line: how the `dockwatch` binary runs, so measured the same. */
export function shebangNodeFlags(cli: string): string[] {
  const first = readFileSync(cli, 'utf8').split('\n', 1)[0] ?? '';
  const flags = /^#!\/usr\/bin\/env -S node(.*)$/.exec(first)?.[1]?.trim();
  return flags ? flags.split(/\s+/) : [];
}

/** The JS heap of a process after a full GC: what is in use, and what V8 holds for it (part of the RSS). */
export type HeapAfterGc = { heapUsedBytes: number; heapTotalBytes: number };

/** A `dockwatch agent` child process whose memory, descriptors and /metrics a test or soak reads. */
export type MeasuredAgent = {
  pid: number;
  port: number;
  /** Series of its /metrics now. */
  metrics(): Promise<Series[]>;
  stats(): ProcessStats;
  /** Its stderr (the last 64 KB). */
  log(): string;
  /** Runs a full garbage collection in the agent (SIGUSR2 to gcOnSignalPreload); resolves to its heap after it. */
  collectGarbage(): Promise<HeapAfterGc>;
  /** SIGTERM, wait for the exit, remove its temporary dir. */
  stop(): Promise<void>;
};

/**
 * Starts the built CLI as `dockwatch agent` with the binary's node flags (and gcOnSignalPreload) on a free loopback
 * port, with a data dir in a temporary dir and the config `configFor(dataDir, port)`; resolves once /readyz answers.
 */
export async function startMeasuredAgent(configFor: (dataDir: string, port: number) => string): Promise<MeasuredAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-measured-'));
  const port = await freePort();
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, configFor(join(dir, 'data'), port));
  const preload = builtFile('test/support/gcOnSignalPreload.js');
  const gcReport = join(dir, 'gc.json');
  const agent = await startAgentProcess(file, port, {
    nodeArgs: [...shebangNodeFlags(builtFile('cli.js')), '--expose-gc', '--require', preload],
    env: { ...process.env, DOCKWATCH_GC_REPORT: gcReport },
  }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  const child = agent.process;
  const stop = async () => {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const pid = child.pid as number;
  return {
    pid,
    port,
    async metrics() {
      return parseExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    },
    stats: () => processStats(pid),
    async collectGarbage() {
      rmSync(gcReport, { force: true });
      child.kill('SIGUSR2');
      const report = await waitFor(async () => existsSync(gcReport) && readFileSync(gcReport, 'utf8'), {
        what: 'the agent to report its heap after a GC',
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      const usage = JSON.parse(report) as { heapUsed: number; heapTotal: number };
      return { heapUsedBytes: usage.heapUsed, heapTotalBytes: usage.heapTotal };
    },
    log: agent.log,
    stop,
  };
}
