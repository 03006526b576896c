import type { LiveBatch, Reply, ReplyButton } from '../../core/reply';
import { scrollWindow, skippedNote, type LineCost } from '../../live/liveLines';
import { renderDiscordReply, type CustomIdFor, type DiscordMessage } from './discordRender';
import { discordCodeBlock } from './discordText';

/** Characters of log lines a live message shows (its description holds 4096 with the text and the fences). */
export const DISCORD_LIVE_BUDGET = 3600;
/** At most one edit of a live message per this many ms (Discord rate-limits edits of a message). */
export const DISCORD_LIVE_INTERVAL_MS = 1000;

/** What a line costs inside the live message's code block: as rendered, plus its newline. */
export const discordLiveCost: LineCost = (line) => discordCodeBlock(line).length - 7 + 1;

/**
 * The lines a live Discord message shows after a batch: the lines shown so far, a `… N lines skipped` note where lines
 * were dropped, then the new lines, scrolled to the newest that fit {@link DISCORD_LIVE_BUDGET}.
 */
export function scrollDiscordWindow(shown: readonly string[], batch: LiveBatch): string[] {
  const added = batch.skipped ? [skippedNote(batch.skipped), ...batch.lines] : batch.lines;
  return scrollWindow(shown, added, DISCORD_LIVE_BUDGET, discordLiveCost);
}

/**
 * A live reply as one Discord message (pure): the reply (while it runs, the heading; at the end, the final state)
 * rendered as usual, the window of lines in a code block under it, and the Stop button while it runs.
 */
export function renderDiscordLive(
  reply: Reply,
  lines: readonly string[],
  stop: ReplyButton | undefined,
  customIdFor?: CustomIdFor,
): DiscordMessage {
  const body: Reply = {
    ...reply,
    live: undefined,
    ...(lines.length ? { code: { text: lines.join('\n') } } : { text: `${reply.text ?? ''}\n(no lines yet)`.trim() }),
    buttons: stop ? [stop] : [],
  };
  return renderDiscordReply(body, customIdFor);
}
