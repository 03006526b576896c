import type { ContainerRecord } from '../../agent/inventory/containerRecord';
import type { AgentClient } from '../agentClient';
import type { Fleet } from '../fleet';
import { shown } from './commandParser';

/** One host's answer: its value, or the error that host gave. */
export type HostResult<T> = { host: string; ok: true; value: T } | { host: string; ok: false; error: string };

/** A container record with the host it lives on. */
export type HostedContainer = ContainerRecord & { host: string };

/** The hosts a command covers: `--host` (checked against the fleet) or all of them; an error for an unknown host. */
export function hostsInScope(
  fleet: Fleet,
  wanted: unknown,
): { ok: true; hosts: string[] } | { ok: false; error: string } {
  const all = fleet.hostNames();
  if (typeof wanted !== 'string') return { ok: true, hosts: all };
  if (all.includes(wanted)) return { ok: true, hosts: [wanted] };
  return { ok: false, error: `unknown host ${shown(wanted)} (hosts: ${all.join(', ') || 'none reachable'})` };
}

/**
 * Runs `fn` on each host's agent in parallel, keeping each host's failure as its own result. With `deadlineAt` (a
 * `Date.now()` time), a host still silent then counts as not answering, so the hosts that did answer are not lost
 * to a command timeout that waited for the slowest one (its request is left to its own timeout).
 */
export async function acrossHosts<T>(
  fleet: Fleet,
  hosts: readonly string[],
  fn: (agent: AgentClient, host: string) => Promise<T>,
  deadlineAt?: number,
): Promise<HostResult<T>[]> {
  const waitMs = deadlineAt === undefined ? undefined : Math.max(0, deadlineAt - Date.now());
  return Promise.all(
    hosts.map(async (host): Promise<HostResult<T>> => {
      const agent = fleet.agent(host);
      if (!agent) return { host, ok: false, error: `host ${host} is not reachable any more` };
      let timer: NodeJS.Timeout | undefined;
      try {
        const answer = fn(agent, host);
        if (waitMs === undefined) return { host, ok: true, value: await answer };
        const silent = new Promise<HostResult<T>>((resolve) => {
          const error = `host ${host} is unreachable: no answer within ${Number((waitMs / 1000).toFixed(1))} s`;
          timer = setTimeout(() => resolve({ host, ok: false, error }), waitMs);
        });
        answer.catch(() => undefined);
        return await Promise.race([answer.then((value) => ({ host, ok: true as const, value })), silent]);
      } catch (err) {
        return { host, ok: false, error: err instanceof Error ? err.message : String(err) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/** How long before a command's deadline `across` stops waiting for silent hosts: room to render and send the reply. */
export function hostsDeadlineMargin(commandTimeoutMs: number): number {
  return Math.min(1000, commandTimeoutMs / 10);
}

/** The values of the hosts that answered. */
export function answered<T>(results: readonly HostResult<T>[]): { host: string; value: T }[] {
  return results.flatMap((r) => (r.ok ? [{ host: r.host, value: r.value }] : []));
}

/** A note naming the hosts that did not answer (empty when all did), for the end of a reply's text. */
export function unansweredNote(results: readonly HostResult<unknown>[]): string {
  const failed = results.filter((r): r is Extract<HostResult<unknown>, { ok: false }> => !r.ok);
  return failed.map((r) => `${r.host}: ${r.error}`).join('; ');
}

/** Whether no host in scope answered: there is nothing true to list, so the reply is a failure naming why. */
export function noneAnswered(results: readonly HostResult<unknown>[]): boolean {
  return results.length > 0 && results.every((r) => !r.ok);
}
