import { PRIVATE_COMMANDS } from '../../core/privateCommands';
import type { Reply } from '../../core/reply';

/** Who sees a reply: only the person who asked, or the whole channel. */
export type SlackVisibility = 'ephemeral' | 'in_channel';

/** The command a text starts with (lowercased); `help` for an empty text. */
export function commandWord(text: string): string {
  return text.trim().split(/\s+/)[0]?.toLowerCase() || 'help';
}

/** Help, inspect, audit and history answer privately, and so does anything that did not go well; the rest in the channel. */
export function visibilityOf(reply: Reply, text: string): SlackVisibility {
  return reply.status !== 'ok' || PRIVATE_COMMANDS.has(commandWord(text)) ? 'ephemeral' : 'in_channel';
}

/** How a command's progress updates are shown before its reply is known. */
export function progressVisibility(text: string): SlackVisibility {
  return PRIVATE_COMMANDS.has(commandWord(text)) ? 'ephemeral' : 'in_channel';
}

/** Slash command text as typed: Slack sends `&`, `<` and `>` as HTML entities. */
export function unescapeCommandText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
