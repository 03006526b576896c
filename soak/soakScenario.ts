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
