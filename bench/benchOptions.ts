import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
type HelpOption = { help: { type: 'boolean'; default: false } };

/** A bench's command line parsed with node's parseArgs, plus `--help`, which prints `usage` and exits. */
export function parseBenchOptions<T extends OptionSpecs>(argv: string[], options: T, usage: string) {
  const help: HelpOption = { help: { type: 'boolean', default: false } };
  const { values } = parseArgs<{ args: string[]; options: T & HelpOption }>({
    args: argv,
    options: { ...options, ...help },
  });
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}

/** An integer option of at least `min`, or an error naming the option and showing the usage. */
export function integerOption(name: string, value: string, min: number, usage: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be an integer ≥ ${min}, got "${value}"\n${usage}`);
  return n;
}

/** A comma-separated list of integers of at least `min`, each once, in the order given. */
export function integerListOption(name: string, value: string, min: number, usage: string): number[] {
  return [...new Set(value.split(',').map((v) => integerOption(name, v.trim(), min, usage)))];
}

/** A space-separated option (node flags) as its words, empty ones dropped. */
export function wordsOption(value: string): string[] {
  return value.split(' ').filter((a) => a !== '');
}
