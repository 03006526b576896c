import { COMMANDS } from '../../../bot/commands/commandTable';
import { parseCommand } from '../../../bot/core/commandParser';
import { MAX_COMMAND_LENGTH, quoteWords, tokenize } from '../../../shared/tokenize';

const parse = (input: string | string[]) => parseCommand(input, COMMANDS);
const error = (input: string | string[]) => {
  const r = parse(input);
  if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return r.error;
};
const command = (input: string | string[]) => {
  const r = parse(input);
  if (!r.ok) throw new Error(r.error);
  return r.command;
};

describe('tokenize', () => {
  it('splits like a shell quotes, and never expands anything', () => {
    expect(tokenize(`logs web --grep 'a b' "c \\"d\\"" e\\ f`)).toEqual({
      ok: true,
      tokens: ['logs', 'web', '--grep', 'a b', 'c "d"', 'e f'],
    });
    expect(tokenize('ps $(rm -rf /); `id` | cat && echo $HOME > /tmp/x')).toEqual({
      ok: true,
      tokens: ['ps', '$(rm', '-rf', '/);', '`id`', '|', 'cat', '&&', 'echo', '$HOME', '>', '/tmp/x'],
    });
  });

  it('accepts typographic quotes as chat apps type them, and unicode words', () => {
    expect(tokenize('logs wéb-☃ --grep “timed out”')).toEqual({
      ok: true,
      tokens: ['logs', 'wéb-☃', '--grep', 'timed out'],
    });
  });

  it('refuses unterminated quotes, control characters and overlong input with a clear message', () => {
    expect(tokenize('logs "web')).toEqual({ ok: false, error: 'unterminated quote " at character 6' });
    expect(tokenize('ps\u0000x')).toEqual({ ok: false, error: 'the command contains control characters' });
    const long = `ps ${'a'.repeat(MAX_COMMAND_LENGTH)}`;
    expect(tokenize(long)).toEqual({
      ok: false,
      error: `the command is too long (${long.length} characters; at most ${MAX_COMMAND_LENGTH})`,
    });
  });
});

describe('parseCommand', () => {
  it('reads commands, positionals and flags in any order, with = or a separate value', () => {
    expect(command('logs web --tail 50 --since 5m --grep "ERR|WARN"')).toEqual({
      name: 'logs',
      args: { container: 'web' },
      flags: { tail: 50, since: 300_000, grep: /ERR|WARN/ },
    });
    expect(command(['LOGS', '--tail=7', 'web'])).toEqual({
      name: 'logs',
      args: { container: 'web' },
      flags: { tail: 7 },
    });
    expect(command('ps --all web-*')).toEqual({ name: 'ps', args: { filter: 'web-*' }, flags: { all: true } });
    expect(command('silence container=web-* 2h')).toEqual({
      name: 'silence',
      args: { matcher: 'container=web-*', duration: '2h' },
      flags: {},
    });
  });

  it('keeps shell metacharacters as literal parts of the word', () => {
    expect(command('logs "web; rm -rf /"').args.container).toBe('web; rm -rf /');
    expect(command(['logs', '$(id)']).args.container).toBe('$(id)');
  });

  it('validates flags: --tail 1..10000, durations, regexes', () => {
    expect(error('logs web --tail 0')).toBe('--tail must be a whole number from 1 to 10000, not "0"');
    expect(error('logs web --tail 10001')).toBe('--tail must be a whole number from 1 to 10000, not "10001"');
    expect(error('logs web --tail -5')).toBe('--tail must be a whole number from 1 to 10000, not "-5"');
    expect(error('logs web --tail 1e3')).toBe('--tail must be a whole number from 1 to 10000, not "1e3"');
    expect(error('logs web --since "5 min"')).toBe('--since: "5 min" is not a duration (use e.g. 30s, 5m, 2h, 1d)');
    expect(error('logs web --grep "(unclosed"')).toBe(
      '--grep: "(unclosed" is not a valid regular expression (Unterminated group)',
    );
    expect(error('logs web --tail')).toBe(
      '--tail needs a value (usage: logs <container> [--tail N] [--since DURATION] [--grep RE] [--follow [DURATION]] [--host H])',
    );
    expect(error('logs web --tail 5 --tail 6')).toBe('--tail is given twice');
    expect(error('ps --all=yes')).toBe('--all takes no value');
  });

  it('names unknown commands and flags with a suggestion', () => {
    expect(error('restrat web')).toBe('unknown command "restrat" (did you mean `restart`?); try `help`');
    expect(error('shutdown -h now')).toBe('unknown command "shutdown"; try `help`');
    expect(error('rm -rf /')).toBe('rm has no flag "-rf" (flags: --force, --volumes, --host)');
    expect(error('logs web --tial 5')).toBe('logs has no flag "--tial" (did you mean --tail?)');
    expect(error('logs web -t 5')).toBe('logs has no flag "-t" (flags: --tail, --since, --grep, --follow, --host)');
    expect(error('hosts --all')).toBe('hosts has no flag "--all" (it takes no flags)');
    expect(error('')).toBe('no command given (try `help`)');
  });

  it('checks the number of words', () => {
    expect(error('logs')).toBe(
      'logs needs <container> (usage: logs <container> [--tail N] [--since DURATION] [--grep RE] [--follow [DURATION]] [--host H])',
    );
    expect(error('stop web db')).toBe('unexpected "db" (usage: stop <container> [--host H])');
    expect(command('logs -- --weird-name').args.container).toBe('--weird-name');
  });

  it('caps what it echoes of a hostile word', () => {
    const word = 'x'.repeat(500);
    expect(error(`stop web ${word}`)).toBe(`unexpected "${'x'.repeat(60)}…" (usage: stop <container> [--host H])`);
  });
});

describe('quoteWords', () => {
  it('joins words so that tokenize gives exactly them back', () => {
    const words = ['silence', 'rule=crashed,container=web', '1h', '--host', 'a b', "it's", 'say "hi" \\', ''];
    expect(tokenize(quoteWords(words))).toEqual({ ok: true, tokens: words });
    expect(quoteWords(['logs', 'web', '--host', 'host@10.0.0.1'])).toBe('logs web --host host@10.0.0.1');
  });
});
