import type { Logger } from '../../../shared/logger';

/** The one Web API call the cache needs (`usergroups.list` with `include_users`). */
export type UserGroupSource = () => Promise<readonly SlackUserGroup[]>;

/** A Slack user group as `usergroups.list` describes it. */
export type SlackUserGroup = { id?: string; handle?: string; users?: string[] };

const TTL_MS = 60_000;

/**
 * Which user groups each Slack user is in, from `usergroups.list` (include_users), cached for a minute and refreshed
 * lazily by the first lookup after that (concurrent lookups share one call). When the call fails the failure is
 * logged and the user is in no group, so group-based grants deny by default.
 */
export class UserGroups {
  private cached?: { at: number; byUser: Map<string, string[]> };
  private loading?: Promise<Map<string, string[]> | undefined>;

  constructor(
    private readonly source: UserGroupSource,
    private readonly logger: Logger,
    private readonly ttlMs = TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The groups of `userId`, each as its ID and its handle (members may name either). */
  async of(userId: string): Promise<string[]> {
    const cached = this.cached;
    const byUser = cached && this.now() - cached.at < this.ttlMs ? cached.byUser : await this.refresh();
    return byUser?.get(userId) ?? [];
  }

  private refresh(): Promise<Map<string, string[]> | undefined> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<Map<string, string[]> | undefined> {
    try {
      const groups = await this.source();
      const byUser = new Map<string, string[]>();
      for (const group of groups) {
        const names = [group.id, group.handle].filter((n): n is string => !!n);
        for (const user of group.users ?? []) byUser.set(user, [...(byUser.get(user) ?? []), ...names]);
      }
      this.cached = { at: this.now(), byUser };
      return byUser;
    } catch (err) {
      this.logger.warn('slack user groups could not be read; group-based roles are not granted', {
        error: (err as Error).message,
      });
      return undefined;
    }
  }
}
