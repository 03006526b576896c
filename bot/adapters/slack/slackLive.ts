import type { LiveBatch } from '../../core/reply';
import { skippedNote, type LineCost } from '../../live/liveLines';
import type { SlackBlock } from './slackRender';
import { escapeMrkdwn, preformatted } from './slackText';

/** Characters of (escaped) log lines one thread message holds (a section takes 3000 with the fences). */
export const SLACK_LIVE_BUDGET = 2800;
/** At most one thread message per this many ms (Slack allows about one message a second per channel). */
export const SLACK_LIVE_INTERVAL_MS = 1000;

/** What a line costs in a thread message: escaped as shown in a preformatted block, plus its newline. */
export const slackLiveCost: LineCost = (line) => preformatted(escapeMrkdwn(line, true)).length - 8 + 1;

/**
 * One batch of a live tail as a thread message (pure): a `… N lines skipped` note when lines were dropped, then the
 * lines in a preformatted block; escaped so a container's output cannot mention anyone.
 */
export function renderSlackLiveBatch(batch: LiveBatch): { text: string; blocks: SlackBlock[] } {
  const blocks: SlackBlock[] = [];
  if (batch.skipped) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `:scissors: ${skippedNote(batch.skipped)}` }] });
  }
  const escaped = batch.lines.map((line) => escapeMrkdwn(line, true));
  if (escaped.length)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: preformatted(escaped.join('\n')) } });
  const count = batch.lines.length;
  const text = `${count} line${count === 1 ? '' : 's'}${batch.skipped ? ` (${skippedNote(batch.skipped)})` : ''}`;
  return { text, blocks };
}
