import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings that keep the heap small and can still be changed once node runs: `--optimize-for-size` makes the GC
 * grow the old generation conservatively and `--semi-space-growth-factor=1` keeps the young generation at its first
 * size (node's default lets it grow to 32 MB).
 */
const RUNTIME_FLAGS = ['--optimize-for-size', '--semi-space-growth-factor=1'];

/**
 * Applies the small-heap settings when node was started without `--optimize-for-size` (as plain `node dist/cli.js`,
 * or under a process manager): measured at 500 containers, such an agent held ~140 MB instead of ~90 MB.
 * `--v8-pool-size` cannot change once node runs; the rest can, and is set before the agent's modules load.
 */
export function applySmallHeap(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  if (given.some((flag) => flag === '--optimize-for-size' || flag === '--optimize_for_size')) return false;
  for (const flag of RUNTIME_FLAGS) setFlagsFromString(flag);
  return true;
}

applySmallHeap(process.execArgv, process.env.NODE_OPTIONS);
