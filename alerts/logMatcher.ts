import type { TaggedLiteral } from './logPrefilterAutomaton';
import { LiteralAutomaton } from './logPrefilterAutomaton';
import { foldString } from './logPrefilterFold';
import { requiredLiterals } from './logPrefilterLiterals';
import { escapeRegExp, patternRegExp, type LogPattern } from '../config/logPattern';

export { escapeRegExp, logPatternError, patternRegExp, type LogPattern } from '../config/logPattern';

/** Tests a line against a fixed list of patterns at once. */
export interface LogMatcher {
  /** Indexes (ascending) of the patterns that match `text`. */
  match(text: string): number[];
  /**
   * When set: every line some pattern matches contains one of these strings exactly as written (case-sensitive), so a
   * line with none of them matches nothing (lets a reader skip decoding it).
   */
  readonly literals?: readonly string[];
}

/** Shortest literal worth a byte search: shorter ones occur in most lines and would only add work. */
const MIN_EXACT_LITERAL = 3;

/**
 * Strings one of which every line any of `patterns` matches contains as written, or undefined when some pattern
 * ignores case, has no such literal or only short ones.
 */
export function exactLiterals(patterns: readonly LogPattern[]): string[] | undefined {
  const all = new Set<string>();
  for (const pattern of patterns) {
    if (pattern.ignoreCase) return undefined;
    const found = patternLiterals(pattern);
    if (!found || found.some((l) => l.length < MIN_EXACT_LITERAL || /[\uFFFD\uD800-\uDFFF]/.test(l))) return undefined;
    for (const l of found) all.add(l);
  }
  return all.size ? [...all] : undefined;
}

/** Up to this many distinct literals a V8 regex finds "any of them" faster than the automaton (see bench/README.md). */
const REGEX_GATE_MAX_LITERALS = 24;

/**
 * Compiles patterns into a matcher whose results equal testing every pattern on every line, only faster: the required
 * literals of all patterns (see requiredLiterals) are found in one Aho-Corasick pass over the line (behind a one-regex
 * gate when they are few), and only the patterns whose literals occur, plus those without any, are tested in full.
 * A single pattern is its own best prefilter, and patterns without literals have none.
 */
export function compileLogMatcher(patterns: LogPattern[]): LogMatcher {
  const literals = exactLiterals(patterns);
  const matcher = compileGatedLogMatcher(patterns);
  return literals ? { match: matcher.match, literals } : matcher;
}

function compileGatedLogMatcher(patterns: LogPattern[]): LogMatcher {
  if (patterns.length <= 1) return compileNaiveLogMatcher(patterns);
  const regexes = patterns.map(patternRegExp);
  const literals: TaggedLiteral[] = [];
  const always: number[] = [];
  patterns.forEach((pattern, id) => {
    const found = patternLiterals(pattern);
    if (found) for (const text of found) literals.push({ text, id });
    else always.push(id);
  });
  if (literals.length === 0) return compileNaiveLogMatcher(patterns);
  const automaton = new LiteralAutomaton(literals);
  const gate = literalGate(literals);
  const seen = new Uint32Array(patterns.length);
  const isAlways = new Uint8Array(patterns.length);
  for (const id of always) isAlways[id] = 1;
  let stamp = 0;
  return {
    match(text) {
      const hits: number[] = [];
      stamp = stamp === 0xffffffff ? 1 : stamp + 1;
      if (stamp === 1) seen.fill(0);
      if ((gate !== undefined && !gate.test(text)) || automaton.scan(text, seen, stamp) === 0) {
        for (const id of always) if (regexes[id]!.test(text)) hits.push(id);
        return hits;
      }
      for (let id = 0; id < regexes.length; id++) {
        if ((seen[id] === stamp || isAlways[id] === 1) && regexes[id]!.test(text)) hits.push(id);
      }
      return hits;
    },
  };
}

/**
 * One case-insensitive regex that matches wherever a literal occurs: a superset of what the automaton finds, used as a
 * quick reject when the literals are few (V8 beats the automaton there); undefined when many or holding surrogates.
 */
function literalGate(literals: TaggedLiteral[]): RegExp | undefined {
  const unique = new Set(literals.map((l) => foldString(l.text)));
  if (unique.size === 0 || unique.size > REGEX_GATE_MAX_LITERALS) return undefined;
  if ([...unique].some((l) => /[\uD800-\uDFFF]/.test(l))) return undefined;
  return new RegExp([...unique].map(escapeRegExp).join('|'), 'iu');
}

/** The literals one of which a line matching `pattern` must contain, or undefined when it has to be tested always. */
export function patternLiterals(pattern: LogPattern): string[] | undefined {
  if (pattern.regex !== undefined) return requiredLiterals(pattern.regex, pattern.ignoreCase ?? false);
  const text = pattern.contains ?? '';
  if (text === '') return undefined;
  return requiredLiterals(escapeRegExp(text), pattern.ignoreCase ?? false);
}

/** The plain version: every regex on every line (the reference the fast one must equal, and the bench baseline). */
export function compileNaiveLogMatcher(patterns: LogPattern[]): LogMatcher {
  const regexes = patterns.map(patternRegExp);
  return {
    match(text) {
      const hits: number[] = [];
      for (let i = 0; i < regexes.length; i++) if (regexes[i]!.test(text)) hits.push(i);
      return hits;
    },
  };
}
