/** How long Discord lets an interaction's reply be edited (15 minutes), less a margin: then a live tail moves. */
export const DISCORD_REPLY_EDIT_MS = 14 * 60_000;

/** What a live message's target is built from (`M`: a rendered message as discord.js sends it). */
export type DiscordLiveTargetOptions<M> = {
  /** Edits the interaction's deferred reply. */
  editReply: (message: M) => Promise<unknown>;
  /** Posts a message in the interaction's channel with the bot's token (no time limit on editing it). */
  postInChannel: (message: M) => Promise<{ edit(message: M): Promise<unknown> }>;
  /** The live message as it should look now (posted when it moves). */
  current: () => M;
  /** What the old reply says once the live message has moved. */
  movedNotice: () => M;
  moveAfterMs?: number;
  /** The move failed (the bot may not post in the channel): the live tail cannot go on. */
  onMoveFailed: (err: unknown) => void;
};

/**
 * Where a live Discord message is shown: the interaction's reply while Discord lets it be edited, then a message the
 * bot posts in the channel and edits with its own token, so a follow may last its full 30 minutes. Edits and the move
 * run one at a time, in order.
 */
export class DiscordLiveTarget<M> {
  private edit: (message: M) => Promise<unknown>;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: DiscordLiveTargetOptions<M>) {
    this.edit = options.editReply;
    this.timer = setTimeout(() => void this.enqueue(() => this.move()), options.moveAfterMs ?? DISCORD_REPLY_EDIT_MS);
  }

  /** Shows `message` where the live message is now; rejects when Discord refuses it. */
  show(message: M): Promise<void> {
    return this.enqueue(async () => {
      await this.edit(message);
    });
  }

  /** No more moves (the live tail ended); edits already queued still run. */
  close(): void {
    clearTimeout(this.timer);
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.chain.then(step);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async move(): Promise<void> {
    try {
      const posted = await this.options.postInChannel(this.options.current());
      this.edit = (message) => posted.edit(message);
    } catch (err) {
      this.options.onMoveFailed(err);
      return;
    }
    await this.options.editReply(this.options.movedNotice()).catch(() => undefined);
  }
}
