import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './waitFor';

/** A server binary a test started and saw ready: its log (stderr), a signal to send it, a stop that waits for its exit. */
export type ServerProcess = { log(): string; signal(signal: NodeJS.Signals): void; stop(): Promise<void> };

/** What {@link startServerProcess} runs and how it knows the server is ready. */
export type ServerProcessOptions = {
  /** The name its failure messages use, e.g. `prometheus`. */
  name: string;
  bin: string;
  args: string[];
  /** Polled until `isReady` holds for its answer. */
  readyUrl: string;
  isReady: (res: Response) => boolean;
  /** What the wait is for, in the timeout message. */
  what: string;
  timeoutMs: number;
  intervalMs: number;
};

/** The binary could not run or exited before it was ready (the message says why, with its log). */
export class ExitedEarly extends Error {}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** SIGTERM (SIGKILL after 5 s) and waits for the exit; at once for a child that has already ended. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Spawns a server binary (killed when the test process exits), keeps the last 64 KiB of its stderr, and polls its
 * ready URL; stops it and throws {@link ExitedEarly} when it exits first, or an error ending with its log when it is
 * not ready in time.
 */
export async function startServerProcess(o: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(o.bin, o.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-64 * 1024)));
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  const outcome = await waitFor(
    async () => {
      if (spawnError) return { failure: `cannot run ${o.bin}: ${spawnError.message}` };
      if (child.exitCode !== null || child.signalCode !== null) {
        return { failure: `${o.name} exited (${child.exitCode ?? child.signalCode}): ${stderr.trim()}` };
      }
      const res = await fetch(o.readyUrl);
      await res.text();
      return o.isReady(res) ? { failure: undefined } : undefined;
    },
    { timeoutMs: o.timeoutMs, intervalMs: o.intervalMs, what: o.what },
  ).catch(async (err: Error) => {
    await stopChild(child);
    throw new Error(`${err.message}\n${o.name} log:\n${stderr.trim()}`, { cause: err });
  });
  if (outcome.failure !== undefined) {
    await stopChild(child);
    throw new ExitedEarly(outcome.failure);
  }
  return {
    log: () => stderr,
    signal: (signal) => void child.kill(signal),
    stop: async () => {
      child.kill('SIGCONT');
      await stopChild(child);
    },
  };
}
