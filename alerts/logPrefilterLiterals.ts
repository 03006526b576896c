import { foldString } from './logPrefilterFold';
import type { RegexNode } from './logPrefilterParse';
import { parseRegexSource } from './logPrefilterParse';

/**
 * What is known about the strings a regex node can match (folded under ignoreCase, see foldCode): `exact` lists all
 * of them (null: too many or unknown); every match starts with one of `prefix`, ends with one of `suffix`, and contains
 * one of `inner` (null: nothing known). A set holding '' says nothing.
 */
type Facts = { exact: Set<string> | null; prefix: Set<string>; suffix: Set<string>; inner: Set<string> | null };

const MAX_SET = 16;
const MAX_LEN = 16;
const MAX_REPEAT = 4;
const NOTHING = new Set(['']);
const UNKNOWN: Facts = { exact: null, prefix: NOTHING, suffix: NOTHING, inner: null };

/**
 * Literals one of which every line matching `regex` contains, or undefined when there is no such set: a conservative
 * extraction, so a rule without literals is always checked in full. With `ignoreCase` the literals are folded (see
 * foldCode) and only ASCII characters count (their case variants, U+212A and U+017F included, fold together).
 */
export function requiredLiterals(regex: string, ignoreCase: boolean): string[] | undefined {
  let tree: RegexNode;
  try {
    tree = parseRegexSource(regex);
  } catch {
    return undefined;
  }
  const facts = analyse(tree, ignoreCase);
  const best = bestOf([facts.exact, facts.prefix, facts.suffix, facts.inner]);
  return best ? [...best] : undefined;
}

function analyse(node: RegexNode, ignoreCase: boolean): Facts {
  switch (node.type) {
    case 'empty':
      return exactly(NOTHING);
    case 'any':
      return UNKNOWN;
    case 'chars':
      if (ignoreCase && node.chars.some((c) => c.length !== 1 || c.charCodeAt(0) > 0x7f)) return UNKNOWN;
      return exactly(new Set(ignoreCase ? node.chars.map(foldString) : node.chars));
    case 'concat':
      return node.items.map((item) => analyse(item, ignoreCase)).reduce(concat, exactly(NOTHING));
    case 'alt':
      return node.options.map((option) => analyse(option, ignoreCase)).reduce(alternate);
    case 'repeat':
      return repeat(analyse(node.node, ignoreCase), node.min, node.max);
  }
}

function exactly(strings: Set<string>): Facts {
  return { exact: strings, prefix: strings, suffix: strings, inner: null };
}

function concat(x: Facts, y: Facts): Facts {
  if (x.exact && y.exact) {
    const both = cross(x.exact, y.exact);
    if (both.size <= MAX_SET && [...both].every((s) => s.length <= MAX_LEN)) return exactly(both);
  }
  const prefix = x.exact ? (fit(cross(x.exact, y.prefix), 'start') ?? NOTHING) : x.prefix;
  const suffix = y.exact ? (fit(cross(x.suffix, y.exact), 'end') ?? NOTHING) : y.suffix;
  const junction = fit(cross(x.suffix, y.prefix), 'start');
  const inner = bestOf([x.exact ?? x.inner, y.exact ?? y.inner, junction, prefix, suffix]);
  return { exact: null, prefix, suffix, inner };
}

function alternate(x: Facts, y: Facts): Facts {
  const exact = x.exact && y.exact ? union(x.exact, y.exact) : null;
  if (exact && exact.size <= MAX_SET) return exactly(exact);
  const prefix = fit(union(x.prefix, y.prefix), 'start') ?? NOTHING;
  const suffix = fit(union(x.suffix, y.suffix), 'end') ?? NOTHING;
  const xBest = bestOf([x.exact, x.prefix, x.suffix, x.inner]);
  const yBest = bestOf([y.exact, y.prefix, y.suffix, y.inner]);
  const inner = xBest && yBest ? (fit(union(xBest, yBest), 'start') ?? null) : null;
  return { exact: null, prefix, suffix, inner };
}

function repeat(x: Facts, min: number, max: number): Facts {
  if (min === 0) return max === 1 && x.exact ? exactly(union(x.exact, NOTHING)) : UNKNOWN;
  let facts = x;
  for (let i = 1; i < Math.min(min, MAX_REPEAT); i++) facts = concat(facts, x);
  if (min === max && min <= MAX_REPEAT) return facts;
  const rest = concat(facts, UNKNOWN);
  return { ...rest, suffix: x.exact ? (fit(x.exact, 'end') ?? NOTHING) : x.suffix };
}

function cross(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const s of a) for (const t of b) out.add(s + t);
  return out;
}

function union(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a, ...b]);
}

/**
 * The set cut to MAX_LEN (keeping the start or the end of each string), then shortened until it has at most MAX_SET
 * strings; undefined when even single characters are too many.
 */
function fit(set: Set<string>, keep: 'start' | 'end'): Set<string> | undefined {
  for (let len = MAX_LEN; len >= 1; len--) {
    const cut = new Set([...set].map((s) => (keep === 'start' ? headOf(s, len) : tailOf(s, len))));
    if (cut.size <= MAX_SET) return cut;
  }
  return undefined;
}

/** The most selective usable set: no empty string, at most MAX_SET strings, longest shortest string, then fewest. */
function bestOf(sets: (Set<string> | null | undefined)[]): Set<string> | null {
  let best: Set<string> | null = null;
  let bestScore = -1;
  for (const set of sets) {
    if (!set || set.size === 0 || set.size > MAX_SET || set.has('')) continue;
    const score = Math.min(...[...set].map((s) => s.length)) * 100 - set.size;
    if (score > bestScore) [best, bestScore] = [set, score];
  }
  return best;
}

/** The first `len` code units of `s`, one fewer rather than half a surrogate pair. */
function headOf(s: string, len: number): string {
  const head = s.slice(0, len);
  return head.length < s.length && isHighSurrogate(head.charCodeAt(head.length - 1)) ? head.slice(0, -1) : head;
}

/** The last `len` code units of `s`, one fewer rather than half a surrogate pair. */
function tailOf(s: string, len: number): string {
  const tail = s.slice(Math.max(0, s.length - len));
  return tail.length < s.length && isLowSurrogate(tail.charCodeAt(0)) ? tail.slice(1) : tail;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
