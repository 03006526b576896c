/**
 * Foreground work: responses a client is waiting for right now (a /metrics body being written). Background work cut
 * into slices (a sampling pass, the render ahead) yields to it: between two slices it lets the event loop run and, while
 * a response is still being handed to the socket, waits for it, up to {@link MAX_YIELD_MS}. A large body leaves as fast
 * as the socket drains instead of one socket buffer per background slice (at 2,000 containers the 14 MB body takes
 * several), and a client that reads slowly only slows background work down, never stops it.
 */

/** Longest one slice boundary waits for foreground work to end before the background goes on. */
export const MAX_YIELD_MS = 20;

let inFlight = 0;
let waiters: Array<() => void> = [];

function wakeAll(): void {
  const woken = waiters;
  waiters = [];
  for (const wake of woken) wake();
}

/** Marks the start of one foreground response; the returned function marks its end (calling it again does nothing). */
export function beginForeground(): () => void {
  inFlight++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    inFlight--;
    if (inFlight === 0) wakeAll();
  };
}

/** How many foreground responses are under way. */
export function foregroundInFlight(): number {
  return inFlight;
}

/**
 * Where background work pauses between two slices: lets the event loop run (pending requests, timers, I/O) and, while
 * foreground work is under way, waits until it ends or `maxWaitMs` passed.
 */
export async function yieldToForeground(maxWaitMs: number = MAX_YIELD_MS): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (inFlight === 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, maxWaitMs);
    function done(): void {
      clearTimeout(timer);
      waiters = waiters.filter((w) => w !== done);
      resolve();
    }
    waiters.push(done);
  });
}
