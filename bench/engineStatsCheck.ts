import { readFileSync } from 'node:fs';

/**
 * cgroup v1 controllers the kernel has attached to a hierarchy (non-zero id in `/proc/cgroups`) that are not mounted
 * in this mount namespace. containerd's shim cannot load a container's cgroup when /proc/<pid>/cgroup lists such a
 * controller ("cannot find cgroup mount destination"), and the Engine API then answers every stats request with an
 * empty payload. Happens when another mount namespace (a chroot'ed CI run, a private dockerd) mounts them.
 */
export function unmountedAttachedControllers(): string[] {
  let cgroups: string;
  let mountinfo: string;
  try {
    cgroups = readFileSync('/proc/cgroups', 'utf8');
    mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const mounted = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const [, post] = line.split(' - ');
    const [fstype, , superOptions] = (post ?? '').split(' ');
    if (fstype === 'cgroup') for (const option of (superOptions ?? '').split(',')) mounted.add(option);
  }
  const attached: string[] = [];
  for (const line of cgroups.split('\n')) {
    const [name, hierarchy, , enabled] = line.split('\t');
    if (!name || name.startsWith('#') || enabled !== '1' || hierarchy === '0') continue;
    if (!mounted.has(name)) attached.push(name);
  }
  return attached;
}
