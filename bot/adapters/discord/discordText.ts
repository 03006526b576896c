import { escapeDiscord, neutralizeFences } from '../../../alerts/notifiers/markupEscapes';
import { showControlChars } from '../../../shared/controlChars';

const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Text shown literally in a Discord message: markdown, links, quotes and `<@id>` mentions escaped, `@everyone` and
 * `@here` broken with a zero-width space (allowedMentions already stops the ping; this stops the highlight), control
 * characters made visible. Newlines stay when `multiline`.
 */
export function plainDiscord(text: string, multiline = true): string {
  const visible = showControlChars(multiline ? text : text.replace(/\n/g, ' '), multiline);
  return escapeDiscord(visible).replace(/@(everyone|here)/g, `@${ZERO_WIDTH_SPACE}$1`);
}

/** A ``` code block whose content cannot close it early; control characters are made visible. */
export function discordCodeBlock(text: string, language?: string): string {
  const lang = language && /^[A-Za-z0-9+#-]{1,20}$/.test(language) ? language : '';
  return `\`\`\`${lang}\n${neutralizeFences(showControlChars(text, true))}\n\`\`\``;
}

/** A file name made from a reply title (`Containers on host-a` → `Containers-on-host-a.txt`). */
export function fileNameFrom(title: string | undefined, fallback: string, extension = 'txt'): string {
  const base = (title ?? '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 80);
  return `${base || fallback}.${extension}`;
}

/** A file name as given by the core, reduced to characters every platform keeps (no paths). */
export function safeFileName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+/, '')
    .slice(-100);
  return cleaned || 'attachment.txt';
}
