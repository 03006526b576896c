import { showControlChars } from '../../../shared/controlChars';
import { cutLine } from '../../live/liveLines';

/**
 * Text as Slack mrkdwn shows it literally: `&`, `<` and `>` escaped (so `<!channel>` or `<@U1>` from a container's
 * output cannot ping anyone) and control characters made visible.
 */
export function escapeMrkdwn(text: string, allowTab = false): string {
  return showControlChars(text, allowTab).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text cut to at most `max` characters (code points kept whole), ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  return cutLine(text, max);
}

/** A preformatted block (```) around already escaped text; backtick runs inside cannot close it early. */
export function preformatted(escaped: string): string {
  return `\`\`\`\n${escaped.replace(/```/g, '`\u200b`\u200b`')}\n\`\`\``;
}
