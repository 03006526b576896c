/** Whether `code` is a C0 or C1 control character or DEL (newline always excepted, tab when `allowTab`). */
export function isControlCode(code: number, allowTab: boolean): boolean {
  if (code === 0x0a || (allowTab && code === 0x09)) return false;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/** `text` with every control character (but newlines, and tabs when `allowTab`) written as `\xNN`. */
export function showControlChars(text: string, allowTab: boolean): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += isControlCode(code, allowTab) ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}
