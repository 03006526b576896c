/**
 * One log rule's pattern: exactly one of `regex` (a JavaScript regex source, e.g. `ERROR|FATAL`) or `contains` (a
 * plain substring). Case-insensitivity is `ignoreCase: true`, not an inline `(?i)` flag (JavaScript has none).
 */
export type LogPattern = { regex?: string; contains?: string; ignoreCase?: boolean };

/** The JavaScript regex a pattern stands for (unicode mode; `contains` escaped). Throws on a bad regex source. */
export function patternRegExp(pattern: LogPattern): RegExp {
  const flags = pattern.ignoreCase ? 'iu' : 'u';
  if (pattern.regex !== undefined) return new RegExp(pattern.regex, flags);
  return new RegExp(escapeRegExp(pattern.contains ?? ''), flags);
}

/** Escapes every regex metacharacter of `text`. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Why a pattern is unusable (for the config schema), or undefined when it compiles. Never echoes `contains`. */
export function logPatternError(pattern: LogPattern): string | undefined {
  if ((pattern.regex === undefined) === (pattern.contains === undefined))
    return 'needs exactly one of regex or contains';
  if (pattern.regex === undefined) return pattern.contains === '' ? 'contains must not be empty' : undefined;
  try {
    patternRegExp(pattern);
    return undefined;
  } catch (error) {
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return `${JSON.stringify(pattern.regex)} is not a valid regex: ${reason}`;
  }
}
