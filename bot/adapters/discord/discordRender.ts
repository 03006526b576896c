import { ButtonStyle, ComponentType } from 'discord.js';
import type { APIActionRowComponent, APIButtonComponentWithCustomId, APIEmbed, APIEmbedField } from 'discord.js';
import { truncate } from '../../../alerts/notifiers/textLimits';
import type { Reply, ReplyButton, ReplyStatus } from '../../core/reply';
import { alignedTable } from '../../core/alignedTable';
import { showControlChars } from '../../../shared/controlChars';
import { discordCodeBlock, fileNameFrom, plainDiscord, safeFileName } from './discordText';

/** Discord's message limits (characters, counts) that a rendered reply stays within. */
export const DISCORD_MESSAGE_LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  embedTotal: 6000,
  files: 10,
  buttonsPerRow: 5,
  rows: 5,
  buttonLabel: 80,
  customId: 100,
} as const;

/** Embed colours by reply status. */
export const STATUS_COLOURS: Readonly<Record<ReplyStatus, number>> = {
  ok: 0x2e7d32,
  confirm: 0x1e88e5,
  invalid: 0xf59e0b,
  denied: 0xd32f2f,
  failed: 0xd32f2f,
};

/** A file to upload with a message (turned into an AttachmentBuilder at the edge). */
export type DiscordFile = { name: string; content: string };

/** A row of buttons as Discord's API takes it. */
export type DiscordButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

/** A reply rendered for Discord: one embed, button rows and files; mentions never ping. */
export type DiscordMessage = {
  embeds: APIEmbed[];
  components: DiscordButtonRow[];
  files: DiscordFile[];
  allowedMentions: { parse: [] };
};

/** Maps a core button id to a Discord custom_id (≤ 100 characters); the adapter keeps long ids in memory. */
export type CustomIdFor = (buttonId: string) => string;

const STYLES: Readonly<Record<ReplyButton['style'], ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger>> =
  {
    primary: ButtonStyle.Primary,
    secondary: ButtonStyle.Secondary,
    danger: ButtonStyle.Danger,
  };

const FALLBACK_TEXT: Readonly<Record<ReplyStatus, string>> = {
  ok: 'Done.',
  confirm: 'Confirm?',
  invalid: 'Not understood.',
  denied: 'Denied.',
  failed: 'Failed.',
};

/**
 * Renders a neutral reply as a Discord message (pure): title, text and fields in an embed coloured by status; the
 * table (aligned) and the code in ``` blocks inside the description while they fit, else as `<title>.txt` files;
 * attachments as files; buttons in rows of five. Text from containers and users is escaped so it shows literally.
 */
export function renderDiscordReply(reply: Reply, customIdFor: CustomIdFor = (id) => id): DiscordMessage {
  const L = DISCORD_MESSAGE_LIMITS;
  const files: DiscordFile[] = [];
  const title = reply.title ? truncate(plainDiscord(reply.title, false), L.title) : undefined;
  const fields = embedFields(reply, files);
  const fieldChars = fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const room = Math.min(L.description, L.embedTotal - (title?.length ?? 0) - fieldChars);
  const textRoom = reply.table || reply.code ? Math.floor(room / 2) : room;
  let description = reply.text ? truncate(plainDiscord(reply.text), textRoom) : '';
  const blocks = [
    reply.table && { text: alignedTable(reply.table, visible) },
    reply.code && { text: reply.code.text, language: reply.code.language },
  ];
  for (const block of blocks) {
    if (!block) continue;
    // A fence only adds to its text (the ``` lines, escapes): a text that alone overflows goes to a file unfenced.
    const fence = block.text.length < room ? discordCodeBlock(block.text, block.language) : undefined;
    const joined = fence === undefined ? undefined : description ? `${description}\n${fence}` : fence;
    if (joined !== undefined && joined.length <= room) {
      description = joined;
      continue;
    }
    const name = uniqueName(fileNameFrom(reply.title, 'reply'), files);
    files.push({ name, content: `${block.text}\n` });
    const note = `(${plainDiscord(name)} attached)`;
    if (description.length + note.length + 1 <= room) description = description ? `${description}\n${note}` : note;
  }
  for (const attachment of reply.attachments ?? []) {
    files.push({ name: uniqueName(safeFileName(attachment.name), files), content: attachment.content });
  }
  if (!title && !description && fields.length === 0) description = FALLBACK_TEXT[reply.status];
  const embed: APIEmbed = {
    ...(title ? { title } : {}),
    ...(description ? { description } : {}),
    color: STATUS_COLOURS[reply.status],
    ...(fields.length ? { fields } : {}),
  };
  return {
    embeds: [embed],
    components: buttonRows(reply.buttons ?? [], customIdFor),
    files: files.slice(0, L.files),
    allowedMentions: { parse: [] },
  };
}

/** A progress message for a slow command: what runs, then each step so far (the last 20). */
export function renderDiscordProgress(what: string, steps: readonly string[]): DiscordMessage {
  const lines = steps.slice(-20).map((s) => `• ${plainDiscord(s, false)}`);
  const description = truncate([`Running ${plainDiscord(what, false)}…`, ...lines].join('\n'), 4096);
  return {
    embeds: [{ description, color: STATUS_COLOURS.confirm }],
    components: [],
    files: [],
    allowedMentions: { parse: [] },
  };
}

/**
 * The reply's fields as embed fields. A value longer than a field holds is cut, says so, and comes whole as a file
 * (`<title>-<field>.txt`), e.g. the labels of `inspect`.
 */
function embedFields(reply: Reply, files: DiscordFile[]): APIEmbedField[] {
  const L = DISCORD_MESSAGE_LIMITS;
  const all = reply.fields ?? [];
  const shown = all.slice(0, L.fields);
  const fields = shown.map((f) => {
    let value = plainDiscord(f.value) || '-';
    if (value.length > L.fieldValue) {
      const name = uniqueName(fileNameFrom(`${reply.title ?? 'reply'} ${f.name}`, 'field'), files);
      files.push({ name, content: f.value.endsWith('\n') ? f.value : `${f.value}\n` });
      const note = `\n(cut here; all ${f.value.length} characters are in ${plainDiscord(name, false)})`;
      value = `${truncate(value, L.fieldValue - note.length)}${note}`;
    }
    return {
      name: truncate(plainDiscord(f.name, false), L.fieldName) || '-',
      value,
      inline: value.length <= 60 && !value.includes('\n'),
    };
  });
  if (all.length > shown.length && fields.length > 0) {
    const last = fields[fields.length - 1] as APIEmbedField;
    last.value = truncate(`${last.value}\n… and ${all.length - shown.length} more fields`, L.fieldValue);
  }
  return fields;
}

function buttonRows(buttons: readonly ReplyButton[], customIdFor: CustomIdFor): DiscordButtonRow[] {
  const L = DISCORD_MESSAGE_LIMITS;
  const rows: DiscordButtonRow[] = [];
  for (const [i, button] of buttons.slice(0, L.buttonsPerRow * L.rows).entries()) {
    if (i % L.buttonsPerRow === 0) rows.push({ type: ComponentType.ActionRow, components: [] });
    (rows[rows.length - 1] as DiscordButtonRow).components.push({
      type: ComponentType.Button,
      style: STYLES[button.style],
      label: truncate(button.label, L.buttonLabel) || '?',
      custom_id: customIdFor(button.id),
    });
  }
  return rows;
}

function uniqueName(name: string, files: readonly DiscordFile[]): string {
  if (!files.some((f) => f.name === name)) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; ; n++) if (!files.some((f) => f.name === `${stem}-${n}${ext}`)) return `${stem}-${n}${ext}`;
}

function visible(text: string): string {
  return showControlChars(text, false);
}
