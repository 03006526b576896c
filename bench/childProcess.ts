import type { ChildProcess } from 'node:child_process';

/** Whether `child` exits within `ms`. */
export function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Stops a bench's child: SIGTERM, then SIGKILL if it is still there after `graceMs` (and up to 5 s more to die). */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  child.kill('SIGTERM');
  if (await waitForExit(child, graceMs)) return;
  child.kill('SIGKILL');
  await waitForExit(child, 5_000);
}

/** Keeps the last `maxChars` of a child's stdout and stderr together, for error messages; returns the reader. */
export function keepOutput(child: ChildProcess, maxChars: number): () => string {
  let log = '';
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-maxChars));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => log;
}
