import {
  allowingPattern,
  argvProblem,
  matchesExecPattern,
  parseExecPattern,
  type ExecPattern,
} from '../../../config/execPatterns';
import { tokenize } from '../../../shared/tokenize';

function pattern(source: string): ExecPattern {
  const parsed = parseExecPattern(source);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.pattern;
}

function argv(text: string): string[] {
  const split = tokenize(text);
  if (!split.ok) throw new Error(split.error);
  return split.tokens;
}

const ROLE = ['cat /etc/*.conf', 'nginx -t', 'ps', 'ls -l **'];

describe('exec patterns', () => {
  it('match word for word, with the same number of words', () => {
    expect(matchesExecPattern(pattern('ps'), ['ps'])).toBe(true);
    expect(matchesExecPattern(pattern('ps'), ['ps', 'aux'])).toBe(false);
    expect(matchesExecPattern(pattern('nginx -t'), ['nginx', '-t'])).toBe(true);
    expect(matchesExecPattern(pattern('nginx -t'), ['nginx', '-T'])).toBe(false);
    expect(matchesExecPattern(pattern('nginx -t'), ['nginx'])).toBe(false);
  });

  it('glob * within one word, never across "/" nor through ".."', () => {
    const p = pattern('cat /etc/*.conf');
    expect(matchesExecPattern(p, ['cat', '/etc/nginx.conf'])).toBe(true);
    expect(matchesExecPattern(p, ['cat', '/etc/.conf'])).toBe(true);
    expect(matchesExecPattern(p, ['cat', '/etc/nginx/nginx.conf'])).toBe(false);
    expect(matchesExecPattern(p, ['cat', '/etc/../root/x.conf'])).toBe(false);
    expect(matchesExecPattern(p, ['cat', '/etc/a.conf', '/etc/shadow'])).toBe(false);
    expect(matchesExecPattern(pattern('cat /etc/*'), ['cat', '/etc/..'])).toBe(false);
    expect(matchesExecPattern(pattern('cat a.b'), ['cat', 'aXb'])).toBe(false);
  });

  it('a last ** matches any further words, zero or more', () => {
    const p = pattern('ls -l **');
    expect(matchesExecPattern(p, ['ls', '-l'])).toBe(true);
    expect(matchesExecPattern(p, ['ls', '-l', '/tmp', '/var'])).toBe(true);
    expect(matchesExecPattern(p, ['ls', '/tmp'])).toBe(false);
  });

  it('shell metacharacters are plain bytes of words: no pattern is fooled by them', () => {
    for (const text of [
      'ps; rm -rf /',
      'ps;',
      'ps && id',
      'ps | sh',
      'ps $(id)',
      'ps `id`',
      '"ps;id"',
      "'ps' '&&' id",
      'nginx -t; id',
      'nginx "-t; id"',
      'cat /etc/a;id.conf',
    ]) {
      const words = argv(text);
      if (text === 'cat /etc/a;id.conf') {
        // One word, a file name with a ";" in it: cat gets it as one argument, no shell splits it.
        expect(allowingPattern(ROLE, words)).toBe('cat /etc/*.conf');
        continue;
      }
      expect({ text, allowed: allowingPattern(ROLE, words) }).toEqual({ text, allowed: undefined });
    }
    expect(argv('ps; rm -rf /')).toEqual(['ps;', 'rm', '-rf', '/']);
  });

  it('refuses -- tricks and flag-looking commands before any pattern', () => {
    expect(argvProblem(['--', 'ps'])).toMatch(/cannot start with "-"/);
    expect(argvProblem(['-c', 'ps'])).toMatch(/cannot start with "-"/);
    expect(argvProblem([])).toMatch(/no command/);
    expect(argvProblem([''])).toMatch(/empty/);
    expect(allowingPattern(['ps **'], ['--', 'ps'])).toBeUndefined();
    expect(allowingPattern(['ps'], ['ps'])).toBe('ps');
  });

  it('validates patterns: literal program, ** only last, quoting as commands', () => {
    expect(parseExecPattern('')).toEqual({ ok: false, error: 'the pattern is empty' });
    expect(parseExecPattern('*')).toEqual({ ok: false, error: 'the program "*" must be literal (no "*")' });
    expect(parseExecPattern('**')).toEqual({ ok: false, error: 'the program "**" must be literal (no "*")' });
    expect(parseExecPattern('-x')).toEqual({ ok: false, error: 'the command cannot start with "-" ("-x")' });
    expect(parseExecPattern('ls ** -l')).toEqual({ ok: false, error: '"**" may only be the last word' });
    expect(parseExecPattern('ls a**')).toEqual({
      ok: false,
      error: '"a**": "**" is only allowed as a whole last word',
    });
    expect(parseExecPattern('echo "unterminated')).toEqual({
      ok: false,
      error: 'unterminated quote " at character 6',
    });
    expect(pattern("grep 'a b' /f")).toEqual({ source: "grep 'a b' /f", words: ['grep', 'a b', '/f'], rest: false });
    expect(matchesExecPattern(pattern("grep 'a b' /f"), ['grep', 'a b', '/f'])).toBe(true);
    expect(matchesExecPattern(pattern("grep 'a b' /f"), ['grep', 'a', 'b', '/f'])).toBe(false);
  });
});
