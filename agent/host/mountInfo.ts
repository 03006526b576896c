/** One line of `/proc/<pid>/mountinfo`. */
export type MountEntry = { majorMinor: string; mountPoint: string; fsType: string; source: string };

/** A filesystem the host's root container reports, named as cAdvisor names it (the mount source, `/dev/vda1`). */
export type HostFilesystem = { device: string; majorMinor: string; mountPoint: string };

/** Undoes the kernel's octal escapes in mountinfo paths (`\040` for a space). */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * Parses `/proc/<pid>/mountinfo`: `id parent MAJ:MIN root mountpoint options [optional fields] - fstype source
 * superoptions` per line. Malformed lines are skipped.
 */
export function parseMountInfo(text: string): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (fields.length < 10 || dash === -1 || dash + 2 >= fields.length) continue;
    mounts.push({
      majorMinor: fields[2] as string,
      mountPoint: unescapeMountPath(fields[4] as string),
      fsType: fields[dash + 1] as string,
      source: unescapeMountPath(fields[dash + 2] as string),
    });
  }
  return mounts;
}

/** Filesystem types cAdvisor reports for the root container that live on a device (ext2/3/4 and nfs* by prefix). */
function isDeviceFilesystem(fsType: string): boolean {
  return fsType.startsWith('ext') || fsType.startsWith('nfs') || ['btrfs', 'xfs', 'zfs'].includes(fsType);
}

/**
 * The host's filesystems as cAdvisor lists them for `id="/"`: one per mount source (bind mounts of the same source
 * are skipped, the one mounted at `/` wins), for ext*, nfs*, btrfs, xfs and zfs. Unlike cAdvisor, tmpfs and overlay
 * mounts are left out: most of them are the containers' own (root filesystems, /dev/shm), one or two per container.
 */
export function hostFilesystems(mounts: readonly MountEntry[]): HostFilesystem[] {
  const bySource = new Map<string, HostFilesystem>();
  for (const m of mounts) {
    if (!isDeviceFilesystem(m.fsType)) continue;
    const known = bySource.get(m.source);
    if (known && m.mountPoint !== '/') continue;
    bySource.set(m.source, { device: m.source, majorMinor: m.majorMinor, mountPoint: m.mountPoint });
  }
  return [...bySource.values()];
}

/** The mount holding `path` (the longest mount point that is a prefix of it); undefined when none is. */
export function mountOf(mounts: readonly MountEntry[], path: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const m of mounts) {
    const prefix = m.mountPoint.endsWith('/') ? m.mountPoint : `${m.mountPoint}/`;
    const holds = path === m.mountPoint || path.startsWith(prefix);
    if (holds && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}
