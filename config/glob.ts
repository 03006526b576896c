const MAX_CACHED = 1000;
const cache = new Map<string, RegExp>();

/** Compiles a glob (`*`, `?`, `[abc]`, `[a-z]`, `[!abc]`; `\` escapes) to an anchored RegExp, once per pattern. */
export function globToRegExp(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const compiled = new RegExp(`^${translate(pattern)}$`, 's');
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

/** Whether the whole of `text` matches the glob `pattern` (case-sensitive). */
export function matchesGlob(pattern: string, text: string): boolean {
  return globToRegExp(pattern).test(text);
}

function translate(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '\\' && i + 1 < pattern.length) out += escapeRegExp(pattern.charAt(++i));
    else if (ch === '[') {
      const end = classEnd(pattern, i);
      if (end === -1) out += '\\[';
      else {
        out += characterClass(pattern.slice(i + 1, end));
        i = end;
      }
    } else out += escapeRegExp(ch);
  }
  return out;
}

/** Index of the `]` closing the class opened at `start`, or -1; a `]` right after `[` or `[!` is a member. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  return pattern.indexOf(']', i);
}

function characterClass(body: string): string {
  const negated = body.startsWith('!') || body.startsWith('^');
  const members = (negated ? body.slice(1) : body).replace(/[\\\]^[]/g, '\\$&');
  return `[${negated ? '^' : ''}${members}]`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
