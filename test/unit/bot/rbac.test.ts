import { botSchema } from '../../../config/botSchema';
import type { CommandName } from '../../../config/commandNames';
import type { Identity } from '../../../bot/core/identity';
import { allowedCommands, authorize } from '../../../bot/core/rbac';

const bot = botSchema.parse({
  roles: {
    viewer: { commands: ['ps', 'logs', 'stats', 'inspect', 'help'] },
    operator: { inherits: 'viewer', commands: ['start', 'stop', 'restart'], containers: { names: ['web-*'] } },
    oncall: { inherits: 'operator', commands: ['silence'], channels: ['C-ops'] },
    admin: { commands: ['*'], containers: { names: ['*'] }, seeSecrets: true },
    compose: { commands: ['restart'], containers: { labels: { 'com.docker.compose.project': 'shop' } } },
  },
  members: [
    { role: 'admin', consoleUsers: ['alice'], discordRoles: ['Ops'] },
    { role: 'viewer', consoleUsers: ['bob'], slackUsers: ['U-BOB'] },
    { role: 'operator', discordRoles: ['R-OPER'], slackGroups: ['S-OPER'] },
    { role: 'oncall', discordUsers: ['D-CAROL'] },
    { role: 'compose', consoleUsers: ['dave'], channels: ['C-shop'] },
  ],
});
const policy = { roles: bot.roles, members: bot.members };

const web = { name: 'web-1', labels: {} };
const db = { name: 'db', labels: {} };
const shop = { name: 'shop-api', labels: { 'com.docker.compose.project': 'shop' } };

const alice: Identity = { platform: 'console', userId: 'alice' };
const bob: Identity = { platform: 'console', userId: 'bob' };
const eve: Identity = { platform: 'console', userId: 'eve' };
const dave: Identity = { platform: 'console', userId: 'dave' };
const slackBob: Identity = { platform: 'slack', userId: 'U-BOB', channelId: 'C1' };
const slackOper: Identity = { platform: 'slack', userId: 'U-X', groupIds: ['S-OPER'], channelId: 'C1' };
const discordOps: Identity = { platform: 'discord', userId: 'D-1', roleIds: ['123', 'Ops'], channelId: 'C1' };
const discordOper: Identity = { platform: 'discord', userId: 'D-2', roleIds: ['R-OPER'], channelId: 'C1' };
const carol = (channelId?: string): Identity => ({ platform: 'discord', userId: 'D-CAROL', channelId });
const aliceOnSlack: Identity = { platform: 'slack', userId: 'alice', channelId: 'C1' };

type Row = [
  string,
  Identity,
  CommandName,
  { name: string; labels: Record<string, string> } | undefined,
  boolean,
  string,
];

const table: Row[] = [
  ['admin may do anything', alice, 'stop', db, true, 'allowed by role admin'],
  [
    'a user with no member entry may do nothing',
    eve,
    'ps',
    undefined,
    false,
    'console:eve has no role (deny by default)',
  ],
  ['not even help', eve, 'help', undefined, false, 'console:eve has no role (deny by default)'],
  ['a viewer may list', bob, 'ps', undefined, true, 'allowed by role viewer'],
  ['a viewer may read logs of any container', bob, 'logs', db, true, 'allowed by role viewer'],
  ['a viewer may not stop', bob, 'stop', web, false, 'no role of console:bob (viewer) allows stop'],
  [
    'console names do not carry over to slack',
    aliceOnSlack,
    'ps',
    undefined,
    false,
    'slack:alice has no role (deny by default)',
  ],
  ['slack users map by user id', slackBob, 'logs', web, true, 'allowed by role viewer'],
  ['slack groups map to roles', slackOper, 'restart', web, true, 'allowed by role operator'],
  [
    'an operator inherits viewer commands',
    discordOper,
    'logs',
    db,
    true,
    'allowed by role viewer (inherited by operator)',
  ],
  [
    'an operator acts only on its containers',
    discordOper,
    'stop',
    db,
    false,
    "stop on db is outside the containers of discord:D-2's roles (operator)",
  ],
  ['an operator may stop web-*', discordOper, 'stop', web, true, 'allowed by role operator'],
  ['discord roles match by name too', discordOps, 'rollback', db, true, 'allowed by role admin'],
  ['a channel-bound role works in its channel', carol('C-ops'), 'silence', undefined, true, 'allowed by role oncall'],
  ['and what it inherits too', carol('C-ops'), 'stop', web, true, 'allowed by role operator (inherited by oncall)'],
  [
    'not in another channel',
    carol('C-dev'),
    'ps',
    undefined,
    false,
    'ps is not allowed to discord:D-CAROL in channel C-dev (roles: viewer)',
  ],
  [
    'nor without a channel',
    carol(),
    'silence',
    undefined,
    false,
    'silence is not allowed to discord:D-CAROL without a channel (console) (roles: oncall)',
  ],
  [
    'a member entry bound to channels does not apply on the console',
    dave,
    'restart',
    shop,
    false,
    'restart is not allowed to console:dave without a channel (console) (roles: compose)',
  ],
  [
    'label selectors scope containers',
    { ...dave, channelId: 'C-shop' },
    'restart',
    shop,
    true,
    'allowed by role compose',
  ],
  [
    'and exclude the rest',
    { ...dave, channelId: 'C-shop' },
    'restart',
    web,
    false,
    "restart on web-1 is outside the containers of console:dave's roles (compose)",
  ],
];

describe('RBAC decision table', () => {
  it.each(table)('%s', (_what, identity, command, container, allowed, reason) => {
    expect(authorize(policy, identity, command, container)).toMatchObject({ allowed, reason });
  });

  it('lets only seeSecrets roles see secrets', () => {
    expect(authorize(policy, alice, 'inspect', db).seeSecrets).toBe(true);
    expect(authorize(policy, bob, 'inspect', db).seeSecrets).toBe(false);
  });

  it('lists the commands a user may run, for help', () => {
    expect(allowedCommands(policy, bob)).toEqual(['ps', 'logs', 'stats', 'inspect', 'help']);
    expect(allowedCommands(policy, discordOper)).toEqual([
      'ps',
      'logs',
      'stats',
      'inspect',
      'start',
      'stop',
      'restart',
      'help',
    ]);
    expect(allowedCommands(policy, eve)).toEqual([]);
  });
});
