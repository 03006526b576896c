import { randomBytes } from 'node:crypto';
import type { AuditEvent } from '../core/audit';
import { describeIdentity, type Identity } from '../core/identity';
import { deniedReply, invalidReply, type Reply } from '../core/reply';
import type { LiveEndReason, LiveFeed } from './liveFeed';

/** Button ids that stop a live tail (`stop:<id>`). */
export const STOP_PREFIX = 'stop:';
/** Live tails one user may run at once. */
export const MAX_LIVE_PER_USER = 3;
/** Live tails the bot runs at once (each holds a log stream open on an engine). */
export const MAX_LIVE_TOTAL = 20;

type Session = { id: string; identity: Identity; text: string; feed: LiveFeed; may: () => boolean };

/** What the sessions tell the core to audit. */
export type LiveAuditNote = (identity: Identity, text: string, event: AuditEvent, detail: string) => void;

/**
 * The live tails running in this bot, by id: each belongs to the user who started it, and only that user may stop
 * it (the Stop button is authorized here, server-side, when pressed; a live tail harms nobody, so nobody else needs
 * to end it, and it ends by itself within 30 minutes). Limits how many run at once; forgets each once it ended.
 */
export class LiveSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly note: LiveAuditNote,
    private readonly newId: () => string = () => randomBytes(6).toString('hex'),
  ) {}

  /**
   * Starts `feed` for `identity` with its Stop button; a denied reply when too many run already. `may` says whether
   * the requester may still run the command (asked again by {@link recheck}).
   */
  start(
    identity: Identity,
    text: string,
    feed: LiveFeed,
    may: () => boolean = () => true,
  ): { ok: true } | { ok: false; reply: Reply } {
    const who = describeIdentity(identity);
    const mine = [...this.sessions.values()].filter((s) => describeIdentity(s.identity) === who).length;
    if (mine >= MAX_LIVE_PER_USER) {
      const why = `${who} already follows ${mine} logs (at most ${MAX_LIVE_PER_USER} at once): stop one first`;
      this.note(identity, text, 'denied', why);
      return {
        ok: false,
        reply: deniedReply(`You already follow ${mine} logs (at most ${MAX_LIVE_PER_USER} at once); stop one first.`),
      };
    }
    if (this.sessions.size >= MAX_LIVE_TOTAL) {
      const why = `the bot already follows ${this.sessions.size} logs (at most ${MAX_LIVE_TOTAL} at once)`;
      this.note(identity, text, 'denied', why);
      return { ok: false, reply: deniedReply(`${why[0]?.toUpperCase()}${why.slice(1)}; try again later.`) };
    }
    const id = this.newId();
    this.sessions.set(id, { id, identity, text, feed, may });
    feed.stopButton = { id: `${STOP_PREFIX}${id}`, label: 'Stop', style: 'danger' };
    void feed.done.then((reason) => {
      this.sessions.delete(id);
      this.note(
        identity,
        text,
        reason.kind === 'failed' || reason.kind === 'abandoned' ? 'failed' : 'succeeded',
        `live tail ended (${describeReason(reason)}; ${feed.received} lines read)`,
      );
    });
    feed.start();
    return { ok: true };
  }

  /** A Stop press: stops the live tail if `identity` started it; says why not otherwise. */
  stop(id: string, identity: Identity): Reply {
    const session = this.sessions.get(id);
    if (!session) {
      this.note(identity, `stop live tail ${id}`, 'invalid', 'no such live tail (it already ended)');
      return invalidReply('This live tail has already ended.');
    }
    const owner = describeIdentity(session.identity);
    const who = describeIdentity(identity);
    if (owner !== who) {
      this.note(identity, session.text, 'denied', `stop refused: only ${owner}, who started it, may stop it`);
      return deniedReply(`Only ${owner}, who started this live tail, may stop it.`);
    }
    session.feed.stop({ kind: 'stopped', by: who });
    this.note(identity, session.text, 'succeeded', 'live tail stopped by its requester');
    return { status: 'ok', text: 'Stopping the live tail.' };
  }

  /** Stops every live tail whose requester may no longer run it (the roles changed). */
  recheck(): void {
    for (const session of this.sessions.values()) {
      if (!session.may()) session.feed.stop({ kind: 'revoked' });
    }
  }

  /** Stops every live tail (the bot is shutting down). */
  stopAll(): void {
    for (const session of this.sessions.values()) session.feed.stop({ kind: 'closed' });
  }

  /** How many run now. */
  get size(): number {
    return this.sessions.size;
  }
}

function describeReason(reason: LiveEndReason): string {
  switch (reason.kind) {
    case 'ended':
      return 'the container stopped';
    case 'duration':
      return 'its duration ran out';
    case 'stopped':
      return `stopped by ${reason.by}`;
    case 'failed':
      return `failed: ${reason.error}`;
    case 'abandoned':
      return `ended by the chat adapter: ${reason.why}`;
    case 'closed':
      return 'the bot shut down';
    case 'revoked':
      return 'its requester may no longer run it';
  }
}
