import { readdir, readFile } from 'node:fs/promises';
import type Docker from 'dockerode';

const EXIT_POLL_MS = 100;

/** How a kill went: whether the process is gone, and how (or why not). */
export type KillOutcome = { killed: boolean; how: string };

/**
 * Kills an exec's process (the engine has no API for it), given its host PID from the exec inspect:
 * 1. when the agent shares the host's PID namespace (`/proc/<pid>/cgroup` names the container: it is that process
 *    and not another with the same number), SIGKILL to it and every descendant, from the agent;
 * 2. else, with the host's /proc mounted at `procRoot`, a second exec in the container: `kill -9 <pid>` with the PID
 *    in the container's namespace (the last NSpid of `<procRoot>/<pid>/status`); it needs a `kill` in the image;
 * 3. else it says it cannot.
 */
export async function killExecProcess(
  docker: Docker,
  containerId: string,
  pid: number,
  procRoot: string,
): Promise<KillOutcome> {
  if (await inContainer('/proc', pid, containerId)) {
    const tree = await descendants('/proc', pid);
    let killed = 0;
    for (const p of [pid, ...tree]) {
      try {
        process.kill(p, 'SIGKILL');
        killed++;
      } catch {
        // already gone
      }
    }
    const children = tree.length ? ` and ${tree.length} descendant${tree.length === 1 ? '' : 's'}` : '';
    return { killed: killed > 0, how: `SIGKILL to host PID ${pid}${children} from the agent` };
  }
  const root = procRoot.replace(/\/+$/, '');
  if (root !== '/proc' && (await inContainer(root, pid, containerId))) {
    const status = await readFile(`${root}/${pid}/status`, 'utf8').catch(() => '');
    const nsPid = /^NSpid:\s*(.+)$/m.exec(status)?.[1]?.trim().split(/\s+/).pop();
    if (nsPid && /^\d+$/.test(nsPid)) {
      const exitCode = await runQuietly(docker, containerId, ['kill', '-9', nsPid]);
      if (exitCode === 0) return { killed: true, how: `kill -9 ${nsPid} in the container (host PID ${pid})` };
      return { killed: false, how: `kill -9 ${nsPid} in the container failed (exit ${exitCode ?? 'unknown'})` };
    }
  }
  return {
    killed: false,
    how:
      `host PID ${pid} is not visible to the agent: run it in the host's PID namespace, or mount the host's ` +
      '/proc as docker.procRoot',
  };
}

async function inContainer(proc: string, pid: number, containerId: string): Promise<boolean> {
  const cgroup = await readFile(`${proc}/${pid}/cgroup`, 'utf8').catch(() => '');
  return cgroup.includes(containerId);
}

/** Every descendant of `pid` (children first found, then theirs), from the parent PIDs in `<proc>/<n>/stat`. */
async function descendants(proc: string, pid: number): Promise<number[]> {
  const entries = await readdir(proc).catch(() => [] as string[]);
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`${proc}/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isFinite(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      if (found.includes(child) || child === pid) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

async function runQuietly(docker: Docker, containerId: string, cmd: string[]): Promise<number | undefined> {
  try {
    const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: false, AttachStderr: false });
    const stream = await exec.start({ Detach: false, hijack: true, stdin: false });
    await new Promise<void>((resolve) => {
      stream
        .on('end', resolve)
        .on('close', resolve)
        .on('error', () => resolve());
      stream.resume();
    });
    return await exitCodeOf(exec, 2000);
  } catch {
    return undefined;
  }
}

/** An exec's exit code once it has ended, looked at for up to `waitMs`; undefined when unknown (or still running). */
export async function exitCodeOf(exec: Docker.Exec, waitMs: number): Promise<number | undefined> {
  for (let waited = 0; waited <= waitMs; waited += EXIT_POLL_MS) {
    const info = await exec.inspect().catch(() => undefined);
    if (!info) return undefined;
    if (!info.Running) return typeof info.ExitCode === 'number' ? info.ExitCode : undefined;
    await new Promise((resolve) => setTimeout(resolve, EXIT_POLL_MS).unref());
  }
  return undefined;
}
