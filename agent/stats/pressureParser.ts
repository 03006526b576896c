/** Cumulative stall time of one resource from a PSI file, in microseconds as the kernel counts it. */
export type PressureTotals = { someUs: number; fullUs: number };

/**
 * Parses a cgroup v2 pressure file (`cpu.pressure`, `memory.pressure`, `io.pressure`): lines `some avg10=… total=N`
 * and `full avg10=… total=N`. A missing `full` line (cpu before kernel 5.13) counts as 0; undefined without `some`.
 */
export function parsePressure(text: string | undefined): PressureTotals | undefined {
  if (text === undefined) return undefined;
  const total = (kind: string) => {
    const match = new RegExp(`^${kind} .*\\btotal=(\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const someUs = total('some');
  if (someUs === undefined) return undefined;
  return { someUs, fullUs: total('full') ?? 0 };
}
