const KELVIN = 0x212a;
const LONG_S = 0x17f;

/**
 * The case folding the prefilter scans with: ASCII upper case to lower case, and the two non-ASCII characters that
 * JavaScript's `iu` regexes equate with ASCII letters (KELVIN SIGN → k, LATIN SMALL LETTER LONG S → s); every other
 * UTF-16 code unit is itself.
 */
export function foldCode(code: number): number {
  if (code >= 65 && code <= 90) return code + 32;
  if (code === KELVIN) return 107;
  if (code === LONG_S) return 115;
  return code;
}

/** foldCode for a one-unit string. */
export function foldChar(char: string): string {
  return String.fromCharCode(foldCode(char.charCodeAt(0)));
}

/** foldCode applied to every UTF-16 code unit of `text`. */
export function foldString(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += String.fromCharCode(foldCode(text.charCodeAt(i)));
  return out;
}

/** Every code unit that foldCode maps to `folded` (itself included), for a folded code unit. */
export function unfolded(folded: number): number[] {
  if (folded < 97 || folded > 122) return [folded];
  if (folded === 107) return [folded, folded - 32, KELVIN];
  if (folded === 115) return [folded, folded - 32, LONG_S];
  return [folded, folded - 32];
}
