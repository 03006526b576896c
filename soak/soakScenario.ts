/** One long fault scenario of `npm run soak`: a file `soak/<name>Soak.ts` exports it as `soak`. */
export type SoakScenario = {
  /** What `npm run soak -- <name>` selects it by. */
  name: string;
  /** One line for the list `npm run soak -- --list` prints. */
  description: string;
  /** Runs it with the arguments after its name; prints its table to stdout; resolves to the exit code (0 = held). */
  run(args: readonly string[]): Promise<number>;
};

/** A progress line on stderr, stamped with the UTC time (tables go to stdout). */
export function soakProgress(name: string, message: string): void {
  process.stderr.write(`[soak ${name} ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/**
 * The `--NAME N` options of a scenario, each a whole number ≥ 1 defaulting to `defaults[NAME]`; undefined (after
 * printing what is wrong and `usage` to stderr) for an unknown option or a bad value: the scenario then exits 2.
 */
export function soakIntegers<K extends string>(
  args: readonly string[],
  defaults: Readonly<Record<K, number>>,
  usage: string,
): Record<K, number> | undefined {
  const values: Record<string, number> = { ...defaults };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.startsWith('--') ? args[i]?.slice(2) : undefined;
    const value = Number(args[i + 1]);
    if (name === undefined || !(name in defaults)) {
      console.error(`unknown argument ${JSON.stringify(args[i])}\n${usage}`);
      return undefined;
    }
    if (!Number.isInteger(value) || value < 1) {
      console.error(`--${name} needs a whole number ≥ 1, got ${JSON.stringify(args[i + 1] ?? '')}\n${usage}`);
      return undefined;
    }
    values[name] = value;
  }
  return values as Record<K, number>;
}

/** Prints each problem as a `FAILED:` line after the tables; the scenario's exit code (0 when none). */
export function reportProblems(problems: readonly string[]): number {
  for (const problem of problems) console.log(`FAILED: ${problem}`);
  return problems.length === 0 ? 0 : 1;
}
