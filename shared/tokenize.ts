import { isControlCode } from './controlChars';

/** Longest command text the parser reads; longer input is refused before any work. */
export const MAX_COMMAND_LENGTH = 1000;

/** Most tokens (words) in one command. */
export const MAX_TOKENS = 64;

/** The result of splitting a command line: the words, or what is wrong with the text. */
export type Tokens = { ok: true; tokens: string[] } | { ok: false; error: string };

const OPENING: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’' };

/**
 * Splits a command line into words the way a shell would quote them: `'…'` literal, `"…"` with `\"` and `\\`
 * escapes, `\` escaping one character outside quotes, and typographic quotes (“…”, ‘…’) as chat apps insert them.
 * Nothing is ever expanded or run: `$`, `;`, `|`, backticks and the like stay literal characters of a word.
 */
export function tokenize(input: string): Tokens {
  const problem = textProblem(input);
  if (problem) return { ok: false, error: problem };
  const tokens: string[] = [];
  let word: string | undefined;
  let i = 0;
  while (i < input.length) {
    const ch = input.charAt(i);
    if (/\s/.test(ch)) {
      if (word !== undefined) tokens.push(word);
      word = undefined;
      i++;
      continue;
    }
    const close = OPENING[ch];
    if (close !== undefined) {
      const end = closingQuote(input, i + 1, close);
      if (end === -1) return { ok: false, error: `unterminated quote ${ch} at character ${i + 1}` };
      const body = input.slice(i + 1, end);
      word = (word ?? '') + (ch === '"' ? body.replace(/\\(["\\])/g, '$1') : body);
      i = end + 1;
      continue;
    }
    if (ch === '\\' && i + 1 < input.length) {
      word = (word ?? '') + input.charAt(i + 1);
      i += 2;
      continue;
    }
    word = (word ?? '') + ch;
    i++;
  }
  if (word !== undefined) tokens.push(word);
  if (tokens.length > MAX_TOKENS)
    return { ok: false, error: `too many words (${tokens.length}; at most ${MAX_TOKENS})` };
  return { ok: true, tokens };
}

const PLAIN_WORD = /^[A-Za-z0-9_.:/*?@=,+-]+$/;

/** Joins words into a command line that {@link tokenize} splits back into exactly these words (quoting as needed). */
export function quoteWords(words: readonly string[]): string {
  return words
    .map((w) => {
      if (PLAIN_WORD.test(w)) return w;
      return w.includes("'") ? `"${w.replace(/(["\\])/g, '\\$1')}"` : `'${w}'`;
    })
    .join(' ');
}

/** Why a command text is refused before it is read (too long, control characters), or undefined. */
export function textProblem(input: string): string | undefined {
  if (input.length > MAX_COMMAND_LENGTH) {
    return `the command is too long (${input.length} characters; at most ${MAX_COMMAND_LENGTH})`;
  }
  if ([...input].some((ch) => ch !== '\t' && isControlCode(ch.charCodeAt(0), true)))
    return 'the command contains control characters';
  return undefined;
}

function closingQuote(input: string, from: number, close: string): number {
  for (let i = from; i < input.length; i++) {
    const ch = input.charAt(i);
    if (close === '"' && ch === '\\') i++;
    else if (ch === close) return i;
  }
  return -1;
}
