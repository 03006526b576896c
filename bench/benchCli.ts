/** A progress line on stderr, stamped with the UTC time (the table goes to stdout). */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** On SIGINT or SIGTERM: says so, runs `onSignal` (if any), then `cleanup`, and exits with 130. */
export function cleanUpOnSignals(cleanup: () => Promise<void>, onSignal?: () => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: cleaning up`);
      onSignal?.();
      void cleanup().finally(() => process.exit(130));
    });
  }
}

/** What one bench's markdown report is made of. */
export type BenchReport = {
  title: string;
  command: string;
  environment: string;
  main: readonly string[];
  targets: readonly string[];
  details: readonly string[];
};

/** The bench report layout every bench prints: title with the time, command, environment, tables and targets. */
export function renderBenchReport(r: BenchReport): string {
  return [
    `## ${r.title} (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    `Command: \`${r.command}\``,
    '',
    r.environment,
    '',
    ...r.main,
    '',
    ...r.targets,
    '',
    'Details:',
    '',
    ...r.details,
    '',
  ].join('\n');
}
