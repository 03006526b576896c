import { statfsSync } from 'node:fs';

/** Size, use and inodes of one mounted filesystem, from statfs(2). */
export type FilesystemUsage = { limitBytes: number; usageBytes: number; inodes: number; inodesFree: number };

/**
 * statfs(2) of the filesystem holding `path`, as cAdvisor reports it: the limit is its size, usage is size − free
 * blocks (root's reserve counted as used). Undefined when the path cannot be reached.
 */
export function statFilesystem(path: string): FilesystemUsage | undefined {
  try {
    const s = statfsSync(path);
    return {
      limitBytes: s.blocks * s.bsize,
      usageBytes: (s.blocks - s.bfree) * s.bsize,
      inodes: s.files,
      inodesFree: s.ffree,
    };
  } catch {
    return undefined;
  }
}
