import type { types } from '@slack/bolt';
import { showControlChars } from '../../../shared/controlChars';
import type { Reply, ReplyButton, ReplyField, ReplyStatus } from '../../core/reply';
import { alignedTable } from '../../core/alignedTable';
import { escapeMrkdwn, preformatted, truncate } from './slackText';

/** A Block Kit block as the renderer produces it. */
export type SlackBlock = types.KnownBlock;

/** Content too long for a message, sent as a file next to it. */
export type SlackFile = { name: string; content: string };

/** A reply in Slack's terms: blocks, the `text` fallback (notifications, screen readers) and files to upload. */
export type SlackMessage = { text: string; blocks: SlackBlock[]; files: SlackFile[] };

/**
 * How buttons are named (`actionId` maps a core button id to Slack's action_id and value, ≤ 255 characters), and
 * what becomes of long content: `attach` (default) sends it as files, `cut` shows its beginning inline, for private
 * (ephemeral) replies whose content must not be uploaded where the channel sees it.
 */
export type SlackRenderOptions = { actionId?: (buttonId: string) => string; longContent?: 'attach' | 'cut' };

/** A table or code block longer than this (escaped, with its fences) goes out as a file (a section holds 3000). */
export const SLACK_INLINE_LIMIT = 2900;

const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_NAME_MAX = 200;
const FIELD_VALUE_MAX = 1700;
const FIELDS_PER_SECTION = 10;
const BUTTONS_PER_BLOCK = 25;
const LABEL_MAX = 75;
const FILES_PER_CONTEXT = 10;

const MARK: Readonly<Record<ReplyStatus, string>> = {
  ok: '',
  invalid: ':warning: ',
  denied: ':no_entry: ',
  failed: ':x: ',
  confirm: ':question: ',
};

const WORD: Readonly<Record<ReplyStatus, string>> = {
  ok: 'Done',
  invalid: 'Not understood',
  denied: 'Denied',
  failed: 'Failed',
  confirm: 'Confirmation needed',
};

/**
 * Renders a neutral reply as Block Kit, a pure function: the title as a header, the text as a mrkdwn section,
 * fields in sections of at most 10, the table (aligned) and the code as preformatted blocks, buttons as an actions
 * block. A table or code block over {@link SLACK_INLINE_LIMIT} characters, and every attachment, becomes a file the
 * message says is attached (with `longContent: 'cut'`, its beginning is shown inline instead). User-controlled text is escaped (`&`, `<`, `>`), so it cannot mention or link anyone.
 */
export function renderSlack(reply: Reply, options: SlackRenderOptions = {}): SlackMessage {
  const actionId = options.actionId ?? ((id: string) => id);
  const mark = MARK[reply.status];
  const blocks: SlackBlock[] = [];
  const files: SlackFile[] = [];
  const attached: string[] = [];
  if (reply.title) {
    const text = truncate(`${mark}${plain(reply.title)}`, HEADER_MAX);
    blocks.push({ type: 'header', text: { type: 'plain_text', text, emoji: true } });
  }
  if (reply.text)
    blocks.push(section(`${reply.title ? '' : mark}${fitEscaped(reply.text, SECTION_MAX - mark.length)}`));
  for (let i = 0; i < (reply.fields?.length ?? 0); i += FIELDS_PER_SECTION) {
    const chunk = (reply.fields ?? []).slice(i, i + FIELDS_PER_SECTION);
    blocks.push({ type: 'section', fields: chunk.map((f) => ({ type: 'mrkdwn', text: fieldText(f) })) });
  }
  const cut = options.longContent === 'cut';
  for (const f of reply.fields ?? []) {
    if (escapeMrkdwn(f.value).length <= FIELD_VALUE_MAX) continue;
    const what = `${f.name.replace(/\s+/g, ' ')} (${f.value.length} characters)`;
    if (cut) {
      attached.push(`:scissors: ${escapeMrkdwn(what)} is cut to its beginning (too long for a field)`);
      continue;
    }
    const name = fileName(`${reply.title ?? ''} ${f.name}`, 'field');
    files.push({ name, content: f.value.endsWith('\n') ? f.value : `${f.value}\n` });
    attached.push(
      `:paperclip: ${escapeMrkdwn(what)} is cut to its beginning; the whole is attached as *${escapeMrkdwn(name)}*`,
    );
  }
  const cutInline = (raw: string, what: string) => {
    const shown = fitEscaped(raw.replace(/```/g, '`\u200b`\u200b`'), SLACK_INLINE_LIMIT - 10, true);
    blocks.push(section(preformatted(shown)));
    attached.push(`:scissors: ${escapeMrkdwn(what)} is cut to its beginning (too long for a private message)`);
  };
  const long = (raw: string, name: string, why: string) => {
    if (cut) return cutInline(raw, why);
    files.push({ name, content: raw.endsWith('\n') ? raw : `${raw}\n` });
    attached.push(`:paperclip: ${escapeMrkdwn(why)} is attached as *${escapeMrkdwn(name)}*`);
  };
  if (reply.table) {
    const raw = alignedTable(reply.table);
    // Escaping and the fence only add: a table that alone overflows goes to a file without being escaped first.
    const block = raw.length <= SLACK_INLINE_LIMIT ? preformatted(escapeMrkdwn(raw)) : undefined;
    if (block !== undefined && block.length <= SLACK_INLINE_LIMIT) blocks.push(section(block));
    else long(raw, fileName(reply.title, 'table'), `The table (${reply.table.rows.length} rows)`);
  }
  if (reply.code) {
    const raw = reply.code.text;
    const block = preformatted(escapeMrkdwn(raw, true));
    if (block.length <= SLACK_INLINE_LIMIT) blocks.push(section(block));
    else long(raw, fileName(reply.title, 'output'), 'The output');
  }
  for (const a of reply.attachments ?? []) {
    const name = safeName(a.name) || 'attachment.txt';
    if (cut) {
      cutInline(a.content, name);
      continue;
    }
    files.push({ name, content: a.content });
    attached.push(`:paperclip: *${escapeMrkdwn(name)}* is attached`);
  }
  for (let i = 0; i < attached.length; i += FILES_PER_CONTEXT) {
    const elements = attached.slice(i, i + FILES_PER_CONTEXT).map((text) => ({ type: 'mrkdwn' as const, text }));
    blocks.push({ type: 'context', elements });
  }
  for (let i = 0; i < (reply.buttons?.length ?? 0); i += BUTTONS_PER_BLOCK) {
    const chunk = (reply.buttons ?? []).slice(i, i + BUTTONS_PER_BLOCK);
    blocks.push({ type: 'actions', elements: chunk.map((b) => button(b, actionId(b.id))) });
  }
  const text = fallbackText(reply);
  if (blocks.length === 0) blocks.push(section(text));
  return { text, blocks, files };
}

/** A short line of text for a progress update (e.g. a rollback's steps), with its block. */
export function renderProgress(step: string): SlackMessage {
  const text = `:hourglass_flowing_sand: ${fitEscaped(step, SECTION_MAX - 30)}`;
  return { text, blocks: [section(text)], files: [] };
}

function fallbackText(reply: Reply): string {
  const head = reply.title ?? WORD[reply.status];
  const raw = reply.text ? `${head}: ${reply.text}` : head;
  return `${MARK[reply.status]}${fitEscaped(raw.replace(/\s+/g, ' '), SECTION_MAX - 20)}`;
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function fieldText(field: ReplyField): string {
  return `*${fitEscaped(field.name.replace(/\s+/g, ' '), FIELD_NAME_MAX)}*\n${fitEscaped(field.value, FIELD_VALUE_MAX) || ' '}`;
}

function button(b: ReplyButton, id: string): types.Button {
  const style = b.style === 'secondary' ? {} : { style: b.style };
  const text = truncate(plain(b.label), LABEL_MAX) || '…';
  return { type: 'button', text: { type: 'plain_text', text, emoji: true }, action_id: id, value: id, ...style };
}

/** Plain text (header, button label): one line, control characters visible; Slack shows it literally. */
function plain(text: string): string {
  return showControlChars(text.replace(/\s+/g, ' '), false);
}

/** Escaped text of at most `max` characters (the raw text is cut so no entity is split). */
function fitEscaped(raw: string, max: number, allowTab = false): string {
  let limit = max;
  for (;;) {
    const escaped = escapeMrkdwn(truncate(raw, limit), allowTab);
    if (escaped.length <= max || limit <= 1) return escaped;
    limit = Math.min(limit - 1, Math.floor((limit * max) / escaped.length));
  }
}

function fileName(title: string | undefined, fallback: string): string {
  const base = (title ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${base || fallback}.txt`;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 120);
}
