import { randomBytes } from 'node:crypto';
import { DISCORD_MESSAGE_LIMITS } from './discordRender';

/** Prefix of the custom_ids that stand for a longer button id kept in memory. */
export const TOKEN_PREFIX = 'dw:';

/** How long a stood-in button id is remembered (an alert message's buttons are pressed within the hour). */
export const BUTTON_TOKEN_TTL_MS = 3_600_000;

/** What `resolve` makes of a custom_id: the core's button id, or `expired` for a token no longer (or never) known. */
export type ResolvedButton = { ok: true; id: string } | { ok: false; reason: 'expired' };

/**
 * Discord custom_ids hold at most 100 characters; the core's button ids (`run:silence rule=…,container=… 1h --host
 * …`) may be longer. Those are replaced by a short random token kept here for an hour and resolved back on press.
 */
export class ButtonIds {
  private readonly byToken = new Map<string, { id: string; expiresAt: number }>();

  constructor(
    private readonly ttlMs = BUTTON_TOKEN_TTL_MS,
    private readonly now: () => number = Date.now,
    private readonly token: () => string = () => randomBytes(12).toString('base64url'),
  ) {}

  /** The custom_id for a core button id: itself when short enough, else a token. */
  customId(id: string): string {
    if (id.length <= DISCORD_MESSAGE_LIMITS.customId && !id.startsWith(TOKEN_PREFIX)) return id;
    this.prune();
    const token = `${TOKEN_PREFIX}${this.token()}`;
    this.byToken.set(token, { id, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** The core button id behind a pressed custom_id. */
  resolve(customId: string): ResolvedButton {
    if (!customId.startsWith(TOKEN_PREFIX)) return { ok: true, id: customId };
    this.prune();
    const entry = this.byToken.get(customId);
    return entry ? { ok: true, id: entry.id } : { ok: false, reason: 'expired' };
  }

  /** How many long ids are remembered now. */
  get size(): number {
    this.prune();
    return this.byToken.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [token, entry] of this.byToken) if (entry.expiresAt <= now) this.byToken.delete(token);
  }
}
