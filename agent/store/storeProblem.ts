import { accessSync, constants, existsSync, renameSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/** What is wrong with a store that cannot be used at start. */
export type StoreProblem = 'corrupt' | 'not a database' | 'not writable' | 'cannot be opened';

/** The flag that moves a corrupt store aside (see {@link moveStoreAside}). */
export const RESET_STORE_FLAG = '--reset-store';

/**
 * A store that cannot be opened, read or written at start, named with what is wrong and what to do; `movable` when
 * moving the file aside and starting with an empty store is the way out (corrupt, truncated, not a database).
 */
export class StoreUnusableError extends Error {
  readonly movable: boolean;

  constructor(
    readonly file: string,
    readonly problem: StoreProblem,
    readonly cause: string,
  ) {
    const movable = problem === 'corrupt' || problem === 'not a database';
    const what =
      problem === 'not writable'
        ? 'make the data dir writable (a read-only mount or file system?) or choose another with --data-dir'
        : movable
          ? `move it aside and start with an empty store with ${RESET_STORE_FLAG} (renames it to ` +
            `${basename(file)}.broken-<UTC time>), or restore it from a backup`
          : 'check the data dir (it must be a directory dockwatch can create files in) or choose another with --data-dir';
    super(`store ${file} ${describe(problem)} (${cause}): ${what}`);
    this.name = 'StoreUnusableError';
    this.movable = movable;
  }
}

function describe(problem: StoreProblem): string {
  if (problem === 'corrupt') return 'is corrupt or truncated';
  if (problem === 'not a database') return 'is not a SQLite database';
  if (problem === 'not writable') return 'is not writable';
  return 'cannot be opened';
}

/** Turns an error from opening or probing the store into a {@link StoreUnusableError}, or undefined if unrelated. */
export function storeProblemOf(file: string, err: unknown): StoreUnusableError | undefined {
  const code = String((err as { code?: unknown })?.code ?? '');
  const message = err instanceof Error ? err.message : String(err);
  const cause = code && !message.includes(code) ? `${code}: ${message}` : message;
  if (code.startsWith('SQLITE_CORRUPT')) return new StoreUnusableError(file, 'corrupt', cause);
  if (code === 'SQLITE_NOTADB') return new StoreUnusableError(file, 'not a database', cause);
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new StoreUnusableError(file, 'not writable', cause);
  }
  if (code.startsWith('SQLITE_CANTOPEN') && !writable(dirname(file))) {
    return new StoreUnusableError(file, 'not writable', `${cause}; the directory is read-only`);
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOTDIR' || code === 'EEXIST') {
    return new StoreUnusableError(file, 'cannot be opened', cause);
  }
  return undefined;
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Renames the store and its -wal and -shm files to `<file>.broken-<UTC time>[-wal|-shm]`; returns the new name. */
export function moveStoreAside(file: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = `${file}.broken-${stamp}`;
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  renameSync(file, target);
  return target;
}
