import type { MemberConfig, RoleConfig } from '../../config/botSchema';
import { matchesSelector, type ContainerSelector, type SelectableContainer } from '../../config/containerSelector';
import { COMMAND_NAMES, type CommandName } from '../../config/commandNames';
import { describeIdentity, type Identity } from './identity';

/** The roles and who holds them, as the config says. */
export type RbacPolicy = { roles: Readonly<Record<string, RoleConfig>>; members: readonly MemberConfig[] };

/**
 * Whether a request may run, and why, in words fit for the user and the audit; with what the allowing roles add:
 * secrets shown, `--force` (rm, rmi), and the exec patterns (all empty when denied).
 */
export type RbacDecision = {
  allowed: boolean;
  reason: string;
  seeSecrets: boolean;
  force: boolean;
  execPatterns: readonly string[];
};

/** What one role (reached through a member entry, maybe by inheritance) lets its holder do. */
type Grant = {
  role: string;
  via: string;
  commands: readonly string[];
  containers?: ContainerSelector;
  seeSecrets: boolean;
  force: boolean;
  exec: readonly string[];
  /** Every list must contain the channel (member channels, then each role's on the way down). */
  channelSets: (readonly string[])[];
};

/**
 * The RBAC decision, a pure function: may `identity` run `command` (on `container`, in `channel`)? Deny by default:
 * nobody without a member entry may run anything; a role without `containers` may act on any container.
 */
export function authorize(
  policy: RbacPolicy,
  identity: Identity,
  command: CommandName,
  container?: SelectableContainer,
  channel: string | undefined = identity.channelId,
): RbacDecision {
  const who = describeIdentity(identity);
  const grants = grantsOf(policy, identity);
  const deny = (reason: string): RbacDecision => ({
    allowed: false,
    reason,
    seeSecrets: false,
    force: false,
    execPatterns: [],
  });
  if (grants.length === 0) return deny(`${who} has no role (deny by default)`);
  const granting = grants.filter((g) => g.commands.includes('*') || g.commands.includes(command));
  if (granting.length === 0) return deny(`no role of ${who} (${roleList(grants)}) allows ${command}`);
  const forCommand = command === 'exec' ? granting.filter((g) => g.exec.length > 0) : granting;
  if (forCommand.length === 0) {
    return deny(`no role of ${who} (${roleList(granting)}) lists exec patterns (roles.<role>.exec); exec needs them`);
  }
  const inChannel = forCommand.filter((g) =>
    g.channelSets.every((set) => channel !== undefined && set.includes(channel)),
  );
  if (inChannel.length === 0) {
    const where = channel === undefined ? 'without a channel (console)' : `in channel ${channel}`;
    return deny(`${command} is not allowed to ${who} ${where} (roles: ${roleList(forCommand)})`);
  }
  const inScope = container
    ? inChannel.filter((g) => !g.containers || matchesSelector(container, g.containers))
    : inChannel;
  if (inScope.length === 0) {
    return deny(
      `${command} on ${container?.name} is outside the containers of ${who}'s roles (${roleList(inChannel)})`,
    );
  }
  const first = inScope[0] as Grant;
  const by = first.role === first.via ? `role ${first.role}` : `role ${first.role} (inherited by ${first.via})`;
  return {
    allowed: true,
    reason: `allowed by ${by}`,
    seeSecrets: inScope.some((g) => g.seeSecrets),
    force: inScope.some((g) => g.force),
    execPatterns: [...new Set(inScope.flatMap((g) => g.exec))],
  };
}

/** The commands `identity` may run in `channel` on at least some container, in `help` order. */
export function allowedCommands(
  policy: RbacPolicy,
  identity: Identity,
  channel: string | undefined = identity.channelId,
): CommandName[] {
  return COMMAND_NAMES.filter((name) => authorize(policy, identity, name, undefined, channel).allowed);
}

/** The role names `identity` holds directly (through member entries), whatever the channel. */
export function rolesOf(policy: RbacPolicy, identity: Identity): string[] {
  return [...new Set(policy.members.filter((m) => holds(m, identity)).map((m) => m.role))];
}

function grantsOf(policy: RbacPolicy, identity: Identity): Grant[] {
  const grants: Grant[] = [];
  for (const member of policy.members) {
    if (!holds(member, identity)) continue;
    const channelSets: (readonly string[])[] = member.channels ? [member.channels] : [];
    const seen = new Set<string>();
    let name: string | undefined = member.role;
    while (name !== undefined && !seen.has(name)) {
      seen.add(name);
      const role: RoleConfig | undefined = policy.roles[name];
      if (!role) break;
      if (role.channels) channelSets.push(role.channels);
      grants.push({
        role: name,
        via: member.role,
        commands: role.commands,
        containers: role.containers,
        seeSecrets: role.seeSecrets,
        force: role.force,
        exec: role.exec,
        channelSets: [...channelSets],
      });
      name = role.inherits;
    }
  }
  return grants;
}

function holds(member: MemberConfig, identity: Identity): boolean {
  const any = (list: readonly string[] | undefined, values: readonly string[] | undefined) =>
    !!list && !!values && values.some((v) => list.includes(v));
  switch (identity.platform) {
    case 'console':
      return any(member.consoleUsers, [identity.userId]);
    case 'discord':
      return any(member.discordUsers, [identity.userId]) || any(member.discordRoles, identity.roleIds);
    case 'slack':
      return any(member.slackUsers, [identity.userId]) || any(member.slackGroups, identity.groupIds);
  }
}

function roleList(grants: readonly Grant[]): string {
  return [...new Set(grants.map((g) => g.role))].join(', ');
}
