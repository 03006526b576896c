import type { LogPattern } from '../../../alerts/logMatcher';
import { compileLogMatcher, compileNaiveLogMatcher } from '../../../alerts/logMatcher';

/** mulberry32: the same patterns and lines on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generated regex: its source and a way to produce a string it matches. */
type Gen = { source: string; sample: (r: () => number) => string };

const CHARS = [
  'a',
  'b',
  'k',
  's',
  'E',
  'R',
  'x',
  ' ',
  '=',
  '.',
  '-',
  '"',
  '[',
  '(',
  'é',
  'É',
  '1',
  '7',
  '😀',
  '\u212A',
];
const SYNTAX = /[\\^$.*+?()[\]{}|/]/;

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function literal(char: string): Gen {
  return { source: SYNTAX.test(char) ? `\\${char}` : char, sample: () => char };
}

function atom(r: () => number, depth: number): Gen {
  const roll = r();
  if (roll < 0.45) return literal(pick(r, CHARS));
  if (roll < 0.5) return { source: '.', sample: (s) => pick(s, CHARS) };
  if (roll < 0.55) return { source: '\\d', sample: (s) => pick(s, ['0', '5', '9']) };
  if (roll < 0.6) return { source: '\\w', sample: (s) => pick(s, ['a', 'Z', '_', '3']) };
  if (roll < 0.63) return { source: '\\s', sample: () => ' ' };
  if (roll < 0.66) return { source: '[kK]', sample: (s) => pick(s, ['k', 'K']) };
  if (roll < 0.69) return { source: '[a-c]', sample: (s) => pick(s, ['a', 'b', 'c']) };
  if (roll < 0.71) return { source: '[^a]', sample: () => 'b' };
  if (roll < 0.73) return { source: '\\x45', sample: () => 'E' };
  if (roll < 0.75) return { source: '\\u{1F600}', sample: () => '😀' };
  if (roll < 0.77) return { source: '\\b', sample: () => '' };
  if (roll < 0.79) return { source: '(?=a)', sample: () => '' };
  if (roll < 0.81) return { source: '(?<!x)', sample: () => '' };
  if (roll < 0.83) return { source: pick(r, ['^', '$']), sample: () => '' };
  if (depth > 2) return literal(pick(r, CHARS));
  const inner = alternation(r, depth + 1);
  const open = pick(r, ['(', '(?:']);
  return { source: `${open}${inner.source})`, sample: inner.sample };
}

function quantified(r: () => number, depth: number): Gen {
  const base = atom(r, depth);
  if (base.source === '\\b' || base.source.startsWith('(?=') || base.source.startsWith('(?<!')) return base;
  if (base.source === '^' || base.source === '$') return base;
  const roll = r();
  const lazy = r() < 0.2 ? '?' : '';
  const repeat = (min: number, max: number, suffix: string): Gen => ({
    source: `${base.source}${suffix}${lazy}`,
    sample: (s) => {
      const n = min + Math.floor(s() * (max - min + 1));
      return Array.from({ length: n }, () => base.sample(s)).join('');
    },
  });
  const group = base.source.startsWith('(');
  if (roll < 0.6) return base;
  if (roll < 0.7) return repeat(0, 1, '?');
  if (roll < 0.8) return group ? repeat(0, 1, '?') : repeat(0, 3, '*');
  if (roll < 0.88) return group ? repeat(1, 1, '') : repeat(1, 3, '+');
  if (roll < 0.94) return repeat(2, 2, '{2}');
  return repeat(1, 3, '{1,3}');
}

function sequence(r: () => number, depth: number): Gen {
  const parts = Array.from({ length: 1 + Math.floor(r() * 5) }, () => quantified(r, depth));
  return { source: parts.map((p) => p.source).join(''), sample: (s) => parts.map((p) => p.sample(s)).join('') };
}

function alternation(r: () => number, depth: number): Gen {
  const options = Array.from({ length: r() < 0.3 ? 2 + Math.floor(r() * 2) : 1 }, () => sequence(r, depth));
  return { source: options.map((o) => o.source).join('|'), sample: (s) => pick(s, options).sample(s) };
}

/** Case flips, KELVIN SIGN / LONG S swaps, and dropped or doubled characters: near misses and case variants. */
function mutate(r: () => number, text: string): string {
  return [...text]
    .map((c) => {
      const roll = r();
      if (roll < 0.1) return c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      if (roll < 0.13 && /[kK]/.test(c)) return '\u212A';
      if (roll < 0.16 && /[sS]/.test(c)) return '\u017F';
      if (roll < 0.18) return '';
      if (roll < 0.2) return c + c;
      return c;
    })
    .join('');
}

function generatePatterns(r: () => number, count: number): { patterns: LogPattern[]; samples: Gen[] } {
  const samples: Gen[] = [];
  const patterns: LogPattern[] = [];
  while (patterns.length < count) {
    const gen = alternation(r, 0);
    const ignoreCase = r() < 0.4;
    try {
      new RegExp(gen.source, 'u');
    } catch {
      continue;
    }
    samples.push(gen);
    patterns.push(r() < 0.15 ? { contains: gen.sample(r) || 'x', ignoreCase } : { regex: gen.source, ignoreCase });
  }
  return { patterns, samples };
}

describe('compileLogMatcher equals testing every regex', () => {
  it.each([
    ['few patterns (regex gate, then automaton)', 1, 4],
    ['many patterns (automaton only)', 2, 40],
  ])('%s', (_title, seed, count) => {
    const r = random(seed);
    const mismatches: { patterns: LogPattern[]; line: string }[] = [];
    let matched = 0;
    for (let round = 0; round < 60; round++) {
      const { patterns, samples } = generatePatterns(r, count);
      const fast = compileLogMatcher(patterns);
      const naive = compileNaiveLogMatcher(patterns);
      for (let i = 0; i < 200; i++) {
        const core = pick(r, samples).sample(r);
        const noise = () => Array.from({ length: Math.floor(r() * 6) }, () => pick(r, CHARS)).join('');
        const line = noise() + (r() < 0.5 ? mutate(r, core) : core) + noise();
        const expected = naive.match(line);
        if (expected.length > 0) matched++;
        if (JSON.stringify(fast.match(line)) !== JSON.stringify(expected)) mismatches.push({ patterns, line });
      }
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(matched).toBeGreaterThan(1000);
  });
});
