import { randomBytes } from 'node:crypto';

/** Slack's limit on a button's action_id. */
export const MAX_ACTION_ID = 255;

const TOKEN_PREFIX = 'dwt:';
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_ENTRIES = 10_000;

/** What a pressed action_id stands for: the core's button id, or a token this process no longer holds. */
export type ResolvedButton = { ok: true; id: string } | { ok: false };

/**
 * Core button ids longer than Slack allows (`run:` buttons carry whole commands) are sent as short tokens kept in
 * memory for a day (at most 10 000, oldest dropped first); a token pressed after that, or after a restart, resolves
 * to `{ ok: false }` so the adapter can say the button expired.
 */
export class ButtonTokens {
  private readonly byToken = new Map<string, { id: string; expiresAt: number }>();

  constructor(
    private readonly ttlMs = DAY_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The action_id (and value) to send for `id`: the id itself when it fits, else a new token. */
  actionId(id: string): string {
    if (id.length <= MAX_ACTION_ID && !id.startsWith(TOKEN_PREFIX)) return id;
    this.prune();
    const token = `${TOKEN_PREFIX}${randomBytes(12).toString('base64url')}`;
    this.byToken.set(token, { id, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** The core button id a pressed action_id stands for. */
  resolve(actionId: string): ResolvedButton {
    if (!actionId.startsWith(TOKEN_PREFIX)) return { ok: true, id: actionId };
    const entry = this.byToken.get(actionId);
    if (!entry || entry.expiresAt <= this.now()) return { ok: false };
    return { ok: true, id: entry.id };
  }

  private prune(): void {
    const now = this.now();
    for (const [token, entry] of this.byToken) if (entry.expiresAt <= now) this.byToken.delete(token);
    for (const token of this.byToken.keys()) {
      if (this.byToken.size < MAX_ENTRIES) break;
      this.byToken.delete(token);
    }
  }
}
