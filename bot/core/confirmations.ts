import { randomBytes } from 'node:crypto';
import type { ParsedCommand } from './commandSpec';
import type { Identity } from './identity';

/** A destructive command waiting for its requester to confirm it. */
export type PendingConfirmation = {
  id: string;
  identity: Identity;
  command: ParsedCommand;
  /** The command as typed, for the audit. */
  text: string;
  expiresAt: number;
};

/** What confirming came to: the command to run (authorize it again!), or why not. */
export type ConfirmOutcome =
  | { ok: true; pending: PendingConfirmation }
  | { ok: false; reason: 'unknown' | 'expired' | 'not-yours'; pending?: PendingConfirmation };

/**
 * Confirmations in flight, in memory: each has an id, belongs to the user who asked (same platform and user id),
 * and expires after `timeoutMs`. Taking one removes it, so a confirmation runs at most once.
 */
export class Confirmations {
  private readonly pending = new Map<string, PendingConfirmation>();

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number,
    private readonly newId: () => string = () => randomBytes(6).toString('hex'),
  ) {}

  /** Records a command awaiting confirmation. */
  request(identity: Identity, command: ParsedCommand, text: string): PendingConfirmation {
    this.prune();
    const entry = { id: this.newId(), identity, command, text, expiresAt: this.now() + this.timeoutMs };
    this.pending.set(entry.id, entry);
    return entry;
  }

  /** Confirms (or cancels) `id` for `identity`; someone else's confirmation stays pending for its owner. */
  take(id: string, identity: Identity): ConfirmOutcome {
    const entry = this.pending.get(id);
    if (!entry) return { ok: false, reason: 'unknown' };
    if (entry.identity.platform !== identity.platform || entry.identity.userId !== identity.userId) {
      return { ok: false, reason: 'not-yours', pending: entry };
    }
    this.pending.delete(id);
    if (this.now() >= entry.expiresAt) return { ok: false, reason: 'expired', pending: entry };
    return { ok: true, pending: entry };
  }

  /** How many are waiting (expired ones excluded). */
  get size(): number {
    this.prune();
    return this.pending.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, entry] of this.pending) if (now >= entry.expiresAt) this.pending.delete(id);
  }
}
