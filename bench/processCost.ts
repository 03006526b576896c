import { readdirSync, readFileSync } from 'node:fs';
import { processCpuMs } from './engineCpu';

/** What a process has cost so far: CPU (user + system, all threads) and context switches summed over its threads. */
export type ProcessCost = { cpuMs: number; voluntary: number; involuntary: number };

function switches(status: string, key: string): number {
  return Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
}

/**
 * The cost of `pid` so far from `/proc/<pid>/stat` (10 ms ticks) and every `/proc/<pid>/task/<tid>/status`
 * (`voluntary_ctxt_switches`: a thread went to sleep, i.e. one wakeup; `nonvoluntary_ctxt_switches`: preempted).
 */
export function processCost(pid: number): ProcessCost {
  let voluntary = 0;
  let involuntary = 0;
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    // gone: zero switches
  }
  for (const tid of tasks) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    } catch {
      continue;
    }
    voluntary += switches(status, 'voluntary_ctxt_switches');
    involuntary += switches(status, 'nonvoluntary_ctxt_switches');
  }
  return { cpuMs: processCpuMs(pid), voluntary, involuntary };
}

/** What `pid` cost between two readings. */
export function costSince(before: ProcessCost, after: ProcessCost): ProcessCost {
  return {
    cpuMs: after.cpuMs - before.cpuMs,
    voluntary: after.voluntary - before.voluntary,
    involuntary: after.involuntary - before.involuntary,
  };
}
