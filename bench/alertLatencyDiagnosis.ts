import { readFileSync } from 'node:fs';

/** Families of the agent's /metrics that tell where a missing alert stopped (lines read, matches, alerts, delivery). */
const FAMILIES = [
  'dockwatch_log_lines_total',
  'dockwatch_log_streams_open',
  'dockwatch_rule_matches_total',
  'dockwatch_alerts',
  'dockwatch_alert_notifications_total',
  'dockwatch_notifications_total',
  'dockwatch_outbox_pending',
  'dockwatch_engine_events_total',
];

/**
 * The agent's own counters about what went missing: the series of {@link FAMILIES} that name one of `containers`
 * or `rule`, or no container at all; the names are only in the bench's progress output.
 */
export async function agentCounters(agentUrl: string, rule: string, containers: readonly string[]): Promise<string> {
  const res = await fetch(`${agentUrl}/metrics`).catch((err: Error) => err);
  if (res instanceof Error) return `(could not read the agent's /metrics: ${res.message})`;
  const text = await res.text();
  const lines = text.split('\n').filter((line) => {
    if (line.startsWith('#') || !FAMILIES.some((f) => line.startsWith(f))) return false;
    const named = containers.some((c) => line.includes(`"${c}"`));
    return named || line.includes(`"${rule}"`) || !/(?:name|container)="/.test(line);
  });
  return lines.join('\n');
}

/** Time a thread ran on a CPU and waited on a run queue, in ms. */
export type SchedTime = { cpuMs: number; waitMs: number };

/**
 * CPU and run-queue wait of a process's main thread (the agent's event loop) from `/proc/<pid>/schedstat`;
 * undefined when it cannot be read. A wait far above the CPU time means the agent was starved, not slow.
 */
export function schedTime(pid: number): SchedTime | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    if (run === undefined || wait === undefined || Number.isNaN(run) || Number.isNaN(wait)) return undefined;
    return { cpuMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return undefined;
  }
}
