import type { Reply } from '../core/reply';

/**
 * A chat platform adapter (Discord, Slack). It only translates: platform events become `CommandCore.handle` and
 * `CommandCore.press` calls with an Identity, neutral Replies become platform messages. Authorization, parsing,
 * confirmations and the audit all live in the core.
 */
export interface ChatAdapter {
  /** The platform, as identities and logs name it. */
  readonly platform: 'discord' | 'slack';
  /** Connects (and registers commands where the platform needs it); resolves once commands can be received. */
  start(): Promise<void>;
  /** Posts an alert message (a Reply, usually with `run:` buttons) to the configured alert channel, if any. */
  postAlert(reply: Reply): Promise<void>;
  /** Disconnects and releases every handle (sockets, timers, servers). */
  stop(): Promise<void>;
}
