import { formatDuration, parseDuration } from '../../config/duration';
import { closestMatch } from '../../config/suggest';
import type { CommandSpec, FlagSpec, FlagValue, ParsedCommand } from './commandSpec';
import { textProblem, tokenize } from '../../shared/tokenize';

/** What the parser made of the input: the command, or a message for the user. */
export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; error: string };

const MAX_REGEX_LENGTH = 200;
const MAX_SHOWN = 60;

/**
 * Parses a command line (a string, quoted like a shell, or words already split by a console) against the known
 * commands. Pure: nothing runs, nothing is looked up; every flag value is checked and converted here.
 */
export function parseCommand(input: string | readonly string[], specs: readonly CommandSpec[]): ParseResult {
  let words: readonly string[];
  if (typeof input === 'string') {
    const split = tokenize(input);
    if (!split.ok) return split;
    words = split.tokens;
  } else {
    const problem = textProblem(input.join(' '));
    if (problem) return { ok: false, error: problem };
    words = input;
  }
  const [first, ...rest] = words;
  if (first === undefined) return { ok: false, error: 'no command given (try `help`)' };
  const spec = specs.find((s) => s.name === first.toLowerCase());
  if (!spec) {
    const guess = closestMatch(
      first,
      specs.map((s) => s.name),
    );
    return {
      ok: false,
      error: `unknown command ${shown(first)}${guess ? ` (did you mean \`${guess}\`?)` : ''}; try \`help\``,
    };
  }
  return parseWords(spec, rest);
}

function parseWords(spec: CommandSpec, all: readonly string[]): ParseResult {
  const split: { words: readonly string[]; rest?: string[] } | { error: string } = spec.rest
    ? splitRest(spec, all)
    : { words: all };
  if ('error' in split) return { ok: false, error: split.error };
  const { words } = split;
  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (onlyPositionals || !word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    if (word === '--') {
      onlyPositionals = true;
      continue;
    }
    const eq = word.indexOf('=');
    const name = (eq === -1 ? word : word.slice(0, eq)).replace(/^--?/, '');
    const flag = spec.flags[name];
    if (!flag || !word.startsWith('--'))
      return { ok: false, error: unknownFlag(spec, word.slice(0, eq === -1 ? undefined : eq)) };
    if (name in flags) return { ok: false, error: `--${name} is given twice` };
    if (flag.kind === 'boolean') {
      if (eq !== -1) return { ok: false, error: `--${name} takes no value` };
      flags[name] = true;
      continue;
    }
    if (flag.kind === 'duration' && flag.bare !== undefined && eq === -1 && !/^\d/.test(words[i + 1] ?? '')) {
      flags[name] = flag.bare;
      continue;
    }
    const value = eq === -1 ? words[++i] : word.slice(eq + 1);
    if (value === undefined) return { ok: false, error: `--${name} needs a value (usage: ${spec.usage})` };
    const parsed = flagValue(name, flag, value);
    if (typeof parsed === 'object' && 'error' in parsed) return { ok: false, error: parsed.error };
    flags[name] = parsed;
  }
  const required = spec.args.filter((a) => a.required);
  if (positionals.length < required.length) {
    const missing = required[positionals.length]?.name ?? 'an argument';
    return { ok: false, error: `${spec.name} needs <${missing}> (usage: ${spec.usage})` };
  }
  if (positionals.length > spec.args.length) {
    const extra = positionals[spec.args.length] as string;
    return { ok: false, error: `unexpected ${shown(extra)} (usage: ${spec.usage})` };
  }
  const args: Record<string, string> = {};
  positionals.forEach((value, i) => (args[(spec.args[i] as { name: string }).name] = value));
  return { ok: true, command: { name: spec.name, args, flags, ...(split.rest ? { rest: split.rest } : {}) } };
}

/** The words before the first `--` (parsed as usual) and every word after it, verbatim. */
function splitRest(
  spec: CommandSpec,
  words: readonly string[],
): { words: string[]; rest: string[] } | { error: string } {
  const at = words.indexOf('--');
  const rest = at === -1 ? [] : words.slice(at + 1);
  if (spec.rest?.required && rest.length === 0) {
    const what = at === -1 ? `\`--\` and then <${spec.rest.name}>` : `<${spec.rest.name}> after \`--\``;
    return { error: `${spec.name} needs ${what} (usage: ${spec.usage})` };
  }
  return { words: at === -1 ? [...words] : words.slice(0, at), rest };
}

function flagValue(
  name: string,
  flag: Exclude<FlagSpec, { kind: 'boolean' }>,
  value: string,
): FlagValue | { error: string } {
  switch (flag.kind) {
    case 'integer': {
      const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
      if (Number.isNaN(n) || n < flag.min || n > flag.max) {
        return { error: `--${name} must be a whole number from ${flag.min} to ${flag.max}, not ${shown(value)}` };
      }
      return n;
    }
    case 'duration': {
      const ms = parseDuration(value);
      if (ms === undefined || ms === 0) {
        return { error: `--${name}: ${shown(value)} is not a duration (use e.g. 30s, 5m, 2h, 1d)` };
      }
      return ms;
    }
    case 'regex':
      return compileRegex(`--${name}`, value);
    case 'text':
      return value;
  }
}

/** Compiles a user's regular expression, or says in plain words why it cannot be used. */
export function compileRegex(what: string, source: string): RegExp | { error: string } {
  if (source.length > MAX_REGEX_LENGTH) {
    return { error: `${what}: the expression is too long (${source.length} characters; at most ${MAX_REGEX_LENGTH})` };
  }
  try {
    return new RegExp(source);
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return { error: `${what}: ${shown(source)} is not a valid regular expression (${reason})` };
  }
}

function unknownFlag(spec: CommandSpec, flag: string): string {
  const known = Object.keys(spec.flags);
  const guess = closestMatch(flag.replace(/^-+/, ''), known);
  const hint = guess
    ? `did you mean --${guess}?`
    : known.length
      ? `flags: ${known.map((f) => `--${f}`).join(', ')}`
      : 'it takes no flags';
  return `${spec.name} has no flag ${shown(flag)} (${hint})`;
}

/** A user's word as it reads in an error: quoted, and cut short when long. */
export function shown(word: string): string {
  return JSON.stringify(word.length > MAX_SHOWN ? `${word.slice(0, MAX_SHOWN)}…` : word);
}

/** A duration for replies (`1h30m`). */
export function shownDuration(ms: number): string {
  return formatDuration(ms);
}
