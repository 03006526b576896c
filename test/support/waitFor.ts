/**
 * How long and how often {@link waitFor} polls, and what it waits for (named in the timeout error; a function is
 * asked only then, so it can describe what was found instead).
 */
export type WaitForOptions = { timeoutMs?: number; intervalMs?: number; what: string | (() => Promise<string>) };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `fn` until it returns a value other than undefined, null or false, and returns that value; a thrown error
 * counts as "not yet". Past the deadline it throws an error naming `what` and the last error seen.
 */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false>,
  { timeoutMs = 10_000, intervalMs = 100, what }: WaitForOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await sleep(Math.min(intervalMs, remaining));
  }
  const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
  const described =
    typeof what === 'string' ? what : await what().catch((err: Error) => `(not described: ${err.message})`);
  throw new Error(`timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${described}${cause}`, {
    cause: lastError,
  });
}
