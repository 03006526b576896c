import { hostname } from 'node:os';

/**
 * Whether the process behind a holder id of {@link processHolderId} may still run: false only when it ran on this
 * host and its pid is gone. A holder from another host (or pid namespace) counts as alive; its lease or marker runs
 * out by time instead.
 */
export function holderMayBeAlive(holder: string): boolean {
  const [host, pidText] = holder.split('/');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
