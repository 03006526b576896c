import { join } from 'node:path';
import { openStore, STORE_FILE } from './database';
import { moveStoreAside, StoreUnusableError } from './storeProblem';

/**
 * Checks, before anything starts, that the store in `dataDir` can be opened, read and written; throws a
 * {@link StoreUnusableError} naming the file, what is wrong and what to do. With `reset` (`--reset-store`) it also runs
 * `PRAGMA quick_check` (it reads the whole file: seconds for a large store, so only when asked), and a corrupt,
 * truncated or foreign store is renamed aside with its -wal and -shm and an empty one created. Returns what to tell
 * the user, if anything.
 */
export function prepareStore(dataDir: string, options: { reset: boolean; now?: Date }): string | undefined {
  if (dataDir === ':memory:') return undefined;
  const file = join(dataDir, STORE_FILE);
  let problem: StoreUnusableError;
  try {
    const db = openStore(dataDir);
    try {
      if (!options.reset) return undefined;
      let check: string;
      try {
        check = String(db.pragma('quick_check', { simple: true }));
      } catch (err) {
        check = (err as Error).message;
      }
      if (check === 'ok') return `the store ${file} is usable (quick_check ok); --reset-store left it in place`;
      problem = new StoreUnusableError(file, 'corrupt', `quick_check: ${check}`);
    } finally {
      db.close();
    }
  } catch (err) {
    if (!(err instanceof StoreUnusableError) || !options.reset || !err.movable) throw err;
    problem = err;
  }
  const moved = moveStoreAside(file, options.now);
  openStore(dataDir).close();
  return `moved the unusable store ${file} (${problem.problem}) aside to ${moved}; starting with an empty store`;
}
