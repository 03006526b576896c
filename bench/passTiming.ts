/** What one run of a piece of work cost this process: CPU time of all its threads (user + system) and wall time. */
export type PassCost = { cpuMs: number; wallMs: number };

/** Runs `work` once and measures it with `process.cpuUsage` (which includes libuv's file threads) and hrtime. */
export async function timePass(work: () => Promise<unknown>): Promise<PassCost> {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await work();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs };
}

/** The p-th percentile (0–100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** The median (50th percentile by nearest rank). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** How {@link compareInterleaved} repeats the work. */
export type InterleaveOptions = { warmups: number; passes: number };

/**
 * Runs several variants of the same work alternately (A B C, A B C, …) so that noise from a shared machine hits
 * them alike, discards the warm-up rounds and returns each variant's median CPU and wall time.
 */
export async function compareInterleaved<K extends string>(
  variants: Record<K, () => Promise<unknown>>,
  opts: InterleaveOptions,
): Promise<Record<K, PassCost>> {
  const names = Object.keys(variants) as K[];
  const costs = new Map<K, PassCost[]>(names.map((name) => [name, []]));
  for (let round = 0; round < opts.warmups + opts.passes; round++) {
    for (const name of names) {
      const cost = await timePass(variants[name]);
      if (round >= opts.warmups) costs.get(name)?.push(cost);
    }
  }
  const result = {} as Record<K, PassCost>;
  for (const name of names) {
    const list = costs.get(name) ?? [];
    result[name] = { cpuMs: median(list.map((c) => c.cpuMs)), wallMs: median(list.map((c) => c.wallMs)) };
  }
  return result;
}
