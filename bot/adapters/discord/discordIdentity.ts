import type { Interaction } from 'discord.js';
import type { Identity } from '../../core/identity';

/**
 * Who sent an interaction, from what Discord says about it (nothing the user typed): the user id, the member's role
 * ids plus those roles' names from the guild's role cache (members may be matched by either; @everyone is not
 * included), and the channel.
 */
export function discordIdentity(interaction: Interaction): Identity {
  const roleIds = memberRoleIds(interaction);
  const names = roleIds
    .map((id) => interaction.guild?.roles.cache.get(id)?.name)
    .filter((name): name is string => typeof name === 'string' && name.length > 0);
  return {
    platform: 'discord',
    userId: interaction.user.id,
    roleIds: [...new Set([...roleIds, ...names])],
    ...(interaction.channelId ? { channelId: interaction.channelId } : {}),
  };
}

function memberRoleIds(interaction: Interaction): string[] {
  const member = interaction.member;
  if (!member) return [];
  if (Array.isArray(member.roles)) return member.roles.filter((id) => id !== interaction.guildId);
  return [...member.roles.cache.keys()].filter((id) => id !== interaction.guildId);
}
