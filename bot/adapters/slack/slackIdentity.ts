import type { Identity } from '../../core/identity';
import type { UserGroups } from './userGroups';

/** Who sent a Slack command or pressed a button: the user, their user groups, and the channel. */
export async function slackIdentity(groups: UserGroups, userId: string, channelId?: string): Promise<Identity> {
  return {
    platform: 'slack',
    userId,
    groupIds: await groups.of(userId),
    ...(channelId ? { channelId } : {}),
  };
}
