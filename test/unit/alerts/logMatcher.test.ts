import type { LogPattern } from '../../../alerts/logMatcher';
import {
  compileLogMatcher,
  compileNaiveLogMatcher,
  logPatternError,
  patternLiterals,
} from '../../../alerts/logMatcher';
import { foldCode, unfolded } from '../../../alerts/logPrefilterFold';

/** Patterns that match none of the lines below; 20 of them take the matcher past its regex gate to the automaton. */
const fillers = (count: number): LogPattern[] =>
  Array.from({ length: count }, (_, i) => ({ contains: `filler ${i} \u0000` }));

/** What the fast matcher says for `patterns` alone, behind the regex gate and through the automaton; all must agree. */
function matchBoth(patterns: LogPattern[], line: string): number[] {
  const naive = compileNaiveLogMatcher(patterns).match(line);
  for (const extra of [0, 1, 20]) {
    expect(compileLogMatcher([...patterns, ...fillers(extra)]).match(line)).toEqual(naive);
  }
  return naive;
}

describe('compileLogMatcher', () => {
  it.each<[string, LogPattern, string, boolean]>([
    ['a plain substring', { contains: 'connection refused' }, 'dial tcp: connection refused', true],
    ['substring metacharacters literally', { contains: 'a.b(c)[d]' }, 'x a.b(c)[d] y', true],
    ['substring metacharacters, not as regex', { contains: 'a.b(c)' }, 'axbc', false],
    ['case matters by default', { regex: 'ERROR' }, 'error: disk', false],
    ['ignoreCase', { regex: 'ERROR', ignoreCase: true }, 'Error: disk', true],
    ['ignoreCase substring', { contains: 'Timed Out', ignoreCase: true }, 'upstream TIMED OUT', true],
    ['ignoreCase KELVIN SIGN is k', { regex: 'killed', ignoreCase: true }, 'process \u212Ailled', true],
    ['ignoreCase LONG S is s', { contains: 'sigsegv', ignoreCase: true }, '\u017Figsegv', true],
    ['KELVIN SIGN is not k with case', { regex: 'killed' }, '\u212Ailled', false],
    ['ignoreCase non-ASCII letters', { regex: 'Ünïcode', ignoreCase: true }, 'üNÏCODE ok', true],
    ['fullwidth is not ASCII', { contains: 'error', ignoreCase: true }, 'ＥＲＲＯＲ', false],
    ['start anchor', { regex: '^panic: ' }, 'panic: nil map', true],
    ['start anchor elsewhere', { regex: '^panic: ' }, 'no panic: here', false],
    ['end anchor', { regex: 'done$' }, 'job done', true],
    ['end anchor elsewhere', { regex: 'done$' }, 'done, next', false],
    ['top-level alternation without literal', { regex: 'ERROR|\\d{3}' }, 'code 404', true],
    ['optional letter', { regex: 'colou?r' }, 'color', true],
    ['optional group', { regex: '(?:fatal )?error' }, 'error', true],
    ['optional group before nothing', { regex: 'x(?:abc)?' }, 'x', true],
    ['class', { regex: '[Ee]rror' }, 'error', true],
    ['negated class', { regex: '[^x]oo' }, 'xoo', false],
    ['range', { regex: 'status=5[0-4]\\d' }, 'status=503', true],
    ['escape', { regex: 'a\\.b' }, 'aXb', false],
    ['hex escape', { regex: '\\x41BC' }, 'ABC', true],
    ['unicode escape', { regex: '\\u00e9t\\u00E9' }, 'été', true],
    ['astral code point', { regex: '\\u{1F600}+!' }, 'ok 😀😀!', true],
    ['astral quantified as a whole', { regex: 'x😀?y' }, 'xy', true],
    ['lookbehind', { regex: '(?<=id=)\\d+' }, 'id=42', true],
    ['negative lookahead', { regex: 'foo(?!bar)' }, 'foobar', false],
    ['backreference', { regex: '(a+)b\\1' }, 'aabaa', true],
    ['named backreference', { regex: '(?<q>["\'])x\\k<q>' }, "'x'", true],
    ['repetition count', { regex: '(?:ab){3}' }, 'ababab', true],
    ['repetition count short', { regex: '(?:ab){3}' }, 'abab', false],
    ['matches everything', { regex: 'x*' }, '', true],
    ['word boundary', { regex: '\\bWARN\\b' }, 'WARNING', false],
    ['dot and star', { regex: 'took \\d+ms.*slow' }, 'took 5ms, slow', true],
  ])('%s', (_title, pattern, line, expected) => {
    expect(matchBoth([pattern], line)).toEqual(expected ? [0] : []);
  });

  it('returns the indexes of every matching pattern in ascending order', () => {
    const patterns: LogPattern[] = [
      { regex: 'timeout' },
      { regex: '\\d+' },
      { contains: 'ERROR' },
      { regex: 'WARN' },
      { contains: 'error', ignoreCase: true },
    ];
    expect(matchBoth(patterns, 'ERROR 42 timeout')).toEqual([0, 1, 2, 4]);
    expect(matchBoth(patterns, 'all good')).toEqual([]);
  });

  it('gives the same answer on a second line after a first one', () => {
    const matcher = compileLogMatcher([{ regex: 'ERROR' }, { regex: 'FATAL' }]);
    expect(matcher.match('ERROR')).toEqual([0]);
    expect(matcher.match('FATAL')).toEqual([1]);
    expect(matcher.match('fine')).toEqual([]);
  });

  it('matches nothing with no patterns', () => {
    expect(compileLogMatcher([]).match('ERROR')).toEqual([]);
  });
});

describe('patternLiterals', () => {
  it.each<[LogPattern, string[] | undefined]>([
    [{ regex: 'ERROR|FATAL' }, ['ERROR', 'FATAL']],
    [{ regex: 'ERROR|FATAL', ignoreCase: true }, ['error', 'fatal']],
    [{ regex: 'colou?r' }, ['colour', 'color']],
    [{ regex: '^\\s+at [\\w$.]+\\(' }, ['at ']],
    [{ regex: 'a+b' }, ['ab']],
    [{ contains: 'Connection Refused' }, ['Connection Refus']],
    [{ regex: 'x*' }, undefined],
    [{ regex: 'a|\\d' }, undefined],
    [{ regex: '[^x]+' }, undefined],
    [{ regex: 'Ünïcode', ignoreCase: true }, ['code']],
  ])('%j needs one of %j', (pattern, literals) => {
    expect(patternLiterals(pattern)?.sort()).toEqual(literals?.sort());
  });
});

describe('logPatternError', () => {
  it('accepts a regex or a substring', () => {
    expect(logPatternError({ regex: 'ERROR|FATAL' })).toBeUndefined();
    expect(logPatternError({ contains: '(' })).toBeUndefined();
  });

  it('names a bad regex', () => {
    expect(logPatternError({ regex: 'a(b' })).toBe('"a(b" is not a valid regex: Unterminated group');
  });

  it('rejects escapes unicode mode does not allow', () => {
    expect(logPatternError({ regex: '\\-' })).toBe('"\\\\-" is not a valid regex: Invalid escape');
  });

  it('wants exactly one of regex and contains', () => {
    expect(logPatternError({})).toBe('needs exactly one of regex or contains');
    expect(logPatternError({ regex: 'a', contains: 'a' })).toBe('needs exactly one of regex or contains');
    expect(logPatternError({ contains: '' })).toBe('contains must not be empty');
  });
});

describe('foldCode', () => {
  it('folds together every character that `iu` regexes equate with a printable ASCII character', () => {
    const asciiLike = /^[\x20-\x7e]$/iu;
    const surprises: string[] = [];
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const char = String.fromCodePoint(cp);
      if (!asciiLike.test(char)) continue;
      const folded = foldCode(cp);
      if (folded > 0x7e || !new RegExp(`^\\x${folded.toString(16)}$`, 'iu').test(char)) surprises.push(char);
    }
    expect(surprises).toEqual([]);
    expect(foldCode(0x212a)).toBe(0x6b);
    expect(foldCode(0x17f)).toBe(0x73);
  });

  it('unfolded lists exactly the code units that fold to a folded one', () => {
    const wrong: number[] = [];
    for (let unit = 0; unit < 0x10000; unit++) {
      const folded = foldCode(unit);
      if (!unfolded(folded).includes(unit) || unfolded(unit).some((u) => foldCode(u) !== foldCode(unit)))
        wrong.push(unit);
    }
    expect(wrong).toEqual([]);
  });
});
