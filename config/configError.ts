/** An invalid configuration: every problem found (not just the first), each naming its key path or source. */
export class ConfigError extends Error {
  /** One line per problem, e.g. `stats.interval: "5 sec" is not a duration (use e.g. 500ms, 5s, 1m, 4h)`. */
  readonly problems: readonly string[];
  /** The config file involved, when there was one. */
  readonly file: string | undefined;

  constructor(problems: readonly string[], file?: string) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`${count}${file ? ` in ${file}` : ''}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.file = file;
  }
}
