import { tokenize } from '../shared/tokenize';

/** A pattern's last word that matches any number (zero or more) of further words. */
export const ANY_WORDS = '**';

/** One `roles.X.exec` pattern, tokenized: the words to match and whether it ends with `**`. */
export type ExecPattern = { source: string; words: string[]; rest: boolean };

/** A pattern as parsed, or why it cannot be one (config errors name it). */
export type ParsedPattern = { ok: true; pattern: ExecPattern } | { ok: false; error: string };

/** Why an argv is refused before any pattern is tried, or undefined when it is a plain command. */
export function argvProblem(argv: readonly string[]): string | undefined {
  const program = argv[0];
  if (program === undefined) return 'no command was given after --';
  if (program === '') return 'the command (the first word after --) is empty';
  if (program.startsWith('-')) return `the command cannot start with "-" (${JSON.stringify(program)})`;
  return undefined;
}

/**
 * Parses one exec pattern with the command tokenizer (the same quoting as commands): the first word is the program
 * and must be literal (no `*`); `*` inside a word matches any characters except `/`; a last word `**` matches any
 * further words. Nothing here is ever given to a shell.
 */
export function parseExecPattern(source: string): ParsedPattern {
  const split = tokenize(source);
  if (!split.ok) return { ok: false, error: split.error };
  const words = split.tokens;
  const [program] = words;
  if (program === undefined) return { ok: false, error: 'the pattern is empty' };
  const problem = argvProblem([program]);
  if (problem) return { ok: false, error: problem.replace('after --', 'in the pattern') };
  if (program.includes('*')) {
    return { ok: false, error: `the program ${JSON.stringify(program)} must be literal (no "*")` };
  }
  const inner = words.slice(0, -1).indexOf(ANY_WORDS);
  if (inner > 0) return { ok: false, error: `"${ANY_WORDS}" may only be the last word` };
  const bad = words.find((w) => w !== ANY_WORDS && w.includes('**'));
  if (bad !== undefined)
    return { ok: false, error: `${JSON.stringify(bad)}: "**" is only allowed as a whole last word` };
  const rest = words.length > 1 && words[words.length - 1] === ANY_WORDS;
  return { ok: true, pattern: { source, words: rest ? words.slice(0, -1) : words, rest } };
}

/**
 * Whether `argv` matches the pattern: word for word, the same number of words unless the pattern ends with `**`.
 * A literal word matches only itself; a word with `*` matches when every `*` stands for characters other than `/`
 * and the argv word has no `..` path segment (so `/etc/*.conf` never reaches outside /etc).
 */
export function matchesExecPattern(pattern: ExecPattern, argv: readonly string[]): boolean {
  if (argv.length < pattern.words.length) return false;
  if (!pattern.rest && argv.length !== pattern.words.length) return false;
  return pattern.words.every((word, i) => matchesWord(word, argv[i] as string));
}

/**
 * The pattern (its source) that allows `argv` among `sources`, or undefined. Sources that do not parse never match
 * (the config check refuses them at startup).
 */
export function allowingPattern(sources: readonly string[], argv: readonly string[]): string | undefined {
  if (argvProblem(argv)) return undefined;
  for (const source of sources) {
    const parsed = parseExecPattern(source);
    if (parsed.ok && matchesExecPattern(parsed.pattern, argv)) return source;
  }
  return undefined;
}

function matchesWord(pattern: string, word: string): boolean {
  if (!pattern.includes('*')) return pattern === word;
  if (word.split('/').includes('..')) return false;
  const parts = pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]*')}$`, 's').test(word);
}
