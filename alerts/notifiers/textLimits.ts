/** The mark left where text was cut. */
export const ELLIPSIS = '…';

/** `text` cut to at most `max` UTF-16 units, ending in `…` when cut, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - ELLIPSIS.length;
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(0, Math.max(0, end)) + ELLIPSIS;
}

/** `… and N more` (a line closing a list that did not fit). */
export function andMore(count: number, noun = ''): string {
  return `${ELLIPSIS} and ${count} more${noun ? ` ${noun}` : ''}`;
}

/** Lines joined with newlines, as many as fit in `max` units; a final `… and N more` names what was left out. */
export function fitLines(lines: readonly string[], max: number): string {
  let out = '';
  for (const [i, line] of lines.entries()) {
    const candidate = i === 0 ? line : `${out}\n${line}`;
    const rest = lines.length - i - 1;
    if (candidate.length + (rest > 0 ? 1 + andMore(rest).length : 0) <= max) {
      out = candidate;
      continue;
    }
    if (i > 0) return `${out}\n${andMore(lines.length - i)}`;
    if (rest === 0) return truncate(line, max);
    const more = andMore(rest);
    return truncate(`${truncate(line, max - more.length - 1)}\n${more}`, max);
  }
  return out;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
