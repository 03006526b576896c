import { access, readFile } from 'node:fs/promises';

/**
 * Reads a text file that may be missing (optional controller file, or a cgroup that vanished mid-pass):
 * undefined instead of an error, so one unreadable file never fails a sampling pass.
 */
export async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether a path exists (and is reachable); never throws. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
