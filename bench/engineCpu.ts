import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second in `/proc/<pid>/stat` (USER_HZ, 100 on every architecture Docker runs on). */
const USER_HZ = 100;

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, all threads) of one process in ms from `/proc/<pid>/stat`; 0 when it is gone. */
export function processCpuMs(pid: number): number {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return 0;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

/**
 * The engine's processes that do the work of a stats request: dockerd, containerd, and the runc shims of the given
 * containers (a shim reads its container's cgroup for containerd's metrics call). Other containers' shims are left out.
 */
export function engineProcesses(containerIds: ReadonlySet<string>): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const comm = readProc(pid, 'comm')?.trim();
    if (comm === 'dockerd' || comm === 'containerd') {
      pids.push(pid);
    } else if (comm?.startsWith('containerd-shim')) {
      const args = (readProc(pid, 'cmdline') ?? '').split('\0');
      const id = args[args.indexOf('-id') + 1];
      if (id !== undefined && containerIds.has(id)) pids.push(pid);
    }
  }
  return pids;
}

/** Those of `pids` whose command name is `name` (e.g. `dockerd`). */
export function processesNamed(pids: readonly number[], name: string): number[] {
  return pids.filter((pid) => readProc(pid, 'comm')?.trim() === name);
}

/** Summed CPU time in ms of a set of processes (10 ms resolution: the kernel counts in ticks). */
export function engineCpuMs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
}

/** Measures the engine's CPU time spent while `work` runs. */
export async function engineCpuDuring<T>(
  pids: readonly number[],
  work: () => Promise<T>,
): Promise<{ result: T; engineCpuMs: number }> {
  const before = engineCpuMs(pids);
  const result = await work();
  return { result, engineCpuMs: engineCpuMs(pids) - before };
}
