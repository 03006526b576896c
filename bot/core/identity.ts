/** The platforms a command can come from. */
export type Platform = 'discord' | 'slack' | 'console';

/** Who asks, as the adapter saw it: Discord role IDs (and names) or Slack user groups, and the channel if any. */
export type Identity = {
  platform: Platform;
  userId: string;
  roleIds?: string[];
  groupIds?: string[];
  channelId?: string;
};

/** How an identity reads in replies, logs and the audit (`console:alice`). */
export function describeIdentity(identity: Identity): string {
  return `${identity.platform}:${identity.userId}`;
}
