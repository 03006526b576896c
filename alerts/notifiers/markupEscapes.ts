import { fitLines } from './textLimits';

const ZERO_WIDTH_SPACE = '\u200b';

/** Text shown literally in Discord markdown: formatting, links, headings, quotes and mentions are escaped. */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_~`|>[\]()#<]/g, '\\$&');
}

/** Text shown literally in Slack mrkdwn: `&`, `<` and `>` as entities, so no `<!channel>` or `<url|link>`. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Breaks every run of three backticks with a zero-width space, so a line cannot close a code block early. */
export function neutralizeFences(text: string): string {
  return text.replace(/`(?=``)/g, `\`${ZERO_WIDTH_SPACE}`);
}

/**
 * Lines in a ``` code block of at most `max` characters (fence included), as many lines as fit, each escaped by
 * `escape` after its fences are broken; empty when not even a cut line fits.
 */
export function codeBlock(lines: readonly string[], max: number, escape: (s: string) => string = (s) => s): string {
  const room = max - '```\n\n```'.length;
  if (lines.length === 0 || room < 16) return '';
  return `\`\`\`\n${fitLines(
    lines.map((line) => escape(neutralizeFences(line))),
    room,
  )}\n\`\`\``;
}
