import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './waitFor';

/** The built CLI the store fault tests run (DOCKWATCH_CLI points elsewhere, e.g. an older build to compare with). */
export const STORE_TEST_CLI = process.env.DOCKWATCH_CLI ?? join(__dirname, '../../dist/cli.js');

/** Mounts a tmpfs of `size` (e.g. `2m`) on `dir` (needs root): a disk the test can fill and make read-only. */
export function mountTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
}

/** Unmounts what {@link mountTmpfs} mounted; never throws (teardown). */
export function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
}

/** Remounts a tmpfs read-only (root ignores file modes, a read-only mount it cannot ignore). */
export function remountReadOnly(dir: string): void {
  execFileSync('mount', ['-o', 'remount,ro', dir]);
}

/** Fills the file system of `dir` with one file until it refuses more (ENOSPC); returns the file, to delete later. */
export function fillDisk(dir: string): string {
  const file = join(dir, 'fill.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  for (const size of [4096, 512, 1]) {
    try {
      for (;;) writeSync(fd, chunk.subarray(0, size));
    } catch {
      // full at this granularity
    }
  }
  closeSync(fd);
  return file;
}

/** Gives the space of {@link fillDisk} back. */
export function freeDisk(file: string): void {
  rmSync(file, { force: true });
}

/** A `dockwatch` child process whose whole stderr log is kept. */
export type DockwatchProcess = {
  child: ChildProcess;
  log: () => string;
  /** Exit code (or signal) once it ended. */
  exited: Promise<number | string>;
  /** Resident set size in kB, from /proc. */
  rssKb: () => number;
  stop: () => Promise<number | string>;
};

/** Starts `dockwatch ARGS…` of {@link STORE_TEST_CLI} and keeps its log. */
export function startDockwatch(args: string[]): DockwatchProcess {
  let log = '';
  const child = spawn('node', [STORE_TEST_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const rssKb = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return { child, log: () => log, exited, rssKb, stop };
}

/** Waits until an agent answers /readyz on `port`, naming its log when it never does. */
export async function waitReady(agent: DockwatchProcess, port: number): Promise<void> {
  await waitFor(
    async () => {
      if (agent.child.exitCode !== null) throw new Error(`the agent exited: ${agent.log()}`);
      return (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok === true;
    },
    { what: `the agent to be ready (log: ${agent.log().slice(-2000)})`, timeoutMs: 30_000 },
  );
}

/** The value of one series in a Prometheus text exposition (labels as written, e.g. `operation="commit"`). */
export function seriesValue(exposition: string, name: string, labels = ''): number | undefined {
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = exposition.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

/** Sum of every series of one family in a Prometheus text exposition. */
export function familySum(exposition: string, name: string): number {
  return exposition
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}
