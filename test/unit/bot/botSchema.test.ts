import { COMMAND_NAMES } from '../../../config/commandNames';
import { botSchema } from '../../../config/botSchema';
import { issueProblems } from '../../../config/issueMessages';
import { formatProblem } from '../../../config/keyPath';

function problems(input: unknown): string[] {
  const result = botSchema.safeParse(input, { reportInput: true });
  if (result.success) return [];
  return issueProblems(result.error.issues, botSchema).map((p) =>
    formatProblem({ ...p, path: ['bot', ...p.path] }, []),
  );
}

describe('bot config', () => {
  it('has defaults: 60s confirmations, 30s commands, 10 commands a minute, nobody allowed anything', () => {
    expect(botSchema.parse({})).toEqual({
      agents: [],
      confirmTimeout: 60_000,
      commandTimeout: 30_000,
      execTimeout: 30_000,
      rateLimit: { commands: 10, per: 60_000 },
      roles: {},
      members: [],
    });
  });

  it('reads the proposed shape', () => {
    const bot = botSchema.parse({
      confirmTimeout: '2m',
      roles: {
        viewer: { commands: ['ps', 'logs'] },
        operator: { inherits: 'viewer', commands: ['stop'], containers: { names: ['web-*'] }, channels: ['C1'] },
        admin: { commands: ['*'], seeSecrets: 'true' },
      },
      members: [{ role: 'admin', consoleUsers: ['alice'], discordRoles: ['Ops'] }],
    });
    expect(bot.confirmTimeout).toBe(120_000);
    expect(bot.roles.operator).toEqual({
      commands: ['stop'],
      containers: { names: ['web-*'] },
      inherits: 'viewer',
      seeSecrets: false,
      channels: ['C1'],
      exec: [],
      force: false,
    });
    expect(bot.roles.admin?.seeSecrets).toBe(true);
  });

  it('names unknown commands, unknown roles and inheritance cycles by key path', () => {
    expect(
      problems({
        roles: {
          a: { commands: ['ps', 'restrat', 'frobnicate'], inherits: 'b' },
          b: { inherits: 'c' },
          c: { inherits: 'a' },
          d: { inherits: 'viewr' },
          e: { inherits: 'e' },
        },
        members: [{ role: 'admn', consoleUsers: ['x'] }, { role: 'a' }],
      }),
    ).toEqual([
      'bot.roles.a.commands[1]: "restrat" is not a command (did you mean "restart"?)',
      `bot.roles.a.commands[2]: "frobnicate" is not a command (commands: ${COMMAND_NAMES.join(', ')}, *)`,
      'bot.roles.d.inherits: "viewr" is not a defined role (roles: a, b, c, d, e)',
      'bot.roles.a.inherits: inheritance cycle: a → b → c → a',
      'bot.roles.e.inherits: inheritance cycle: e → e',
      'bot.members[0].role: "admn" is not a defined role (roles: a, b, c, d, e)',
    ]);
  });

  it('reads exec patterns, force and execTimeout, naming a bad pattern and a too long timeout', () => {
    const bot = botSchema.parse({
      execTimeout: '10s',
      roles: { ops: { commands: ['exec', 'rm'], exec: ['ps', 'cat /etc/*.conf', 'ls -l **'], force: true } },
    });
    expect(bot.execTimeout).toBe(10_000);
    expect(bot.roles.ops).toMatchObject({ exec: ['ps', 'cat /etc/*.conf', 'ls -l **'], force: true });
    expect(problems({ execTimeout: '5m', roles: { ops: { force: 'maybe' } } })).toEqual([
      'bot.execTimeout: at most 4m (the bot waits at most 5m for an action)',
      'bot.roles.ops.force: expected true or false, got "maybe"',
    ]);
    expect(problems({ roles: { ops: { exec: ['ps', '*', 'ls ** x', 'cat "x', '-x'] } } })).toEqual([
      'bot.roles.ops.exec[1]: "*" is not an exec pattern: the program "*" must be literal (no "*")',
      'bot.roles.ops.exec[2]: "ls ** x" is not an exec pattern: "**" may only be the last word',
      'bot.roles.ops.exec[3]: "cat \\"x" is not an exec pattern: unterminated quote " at character 5',
      'bot.roles.ops.exec[4]: "-x" is not an exec pattern: the command cannot start with "-" ("-x")',
    ]);
  });

  it('rejects bad values and unknown keys', () => {
    expect(
      problems({ commandTimeout: 'soon', rateLimit: { commands: 0, per: '1m' }, roles: { x: { comands: [] } } }),
    ).toEqual([
      'bot.commandTimeout: "soon" is not a duration (use e.g. 500ms, 5s, 1m, 4h)',
      'bot.rateLimit.commands: 0 is below the minimum 1',
      'bot.roles.x.comands: unknown key (did you mean "commands"?)',
    ]);
  });
});
