import type { IncomingMessage } from 'node:http';

/** The bot's user id in the fake. */
export const FAKE_BOT_USER_ID = '900000000000000003';

/** A guild role: Discord matches members by its id, dockwatch also by its name. */
export type FakeRole = { id: string; name: string };

/** A guild member as the test defines it: user id, name and role ids. */
export type FakeMember = { id: string; username: string; roles: string[] };

/** One REST request the client made, as the fake received it. */
export type RecordedRequest = {
  method: string;
  /** Decoded path without the query (`/api/v10/webhooks/…/messages/@original`). */
  path: string;
  query: URLSearchParams;
  /** The JSON body, or the `payload_json` part of a multipart body. */
  body?: unknown;
  /** The file parts of a multipart body. */
  files: FakeFile[];
};

/** An uploaded file. */
export type FakeFile = { name: string; content: string };

/** A button as shown to users. */
export type FakeButton = { label: string; customId: string; style: number };

/** A message as Discord holds it (in a channel, or as an interaction's reply or follow-up). */
export type FakeMessage = {
  id: string;
  channelId: string;
  content: string;
  embeds: FakeEmbed[];
  components: { type: number; components: { type: number; style: number; label?: string; custom_id?: string }[] }[];
  files: FakeFile[];
  ephemeral: boolean;
  deleted: boolean;
};

/** The parts of an embed the tests read. */
export type FakeEmbed = {
  title?: string;
  description?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
};

/** What a user sees after an interaction: the reply (or the updated message for a button) and any follow-ups. */
export type FakeReply = {
  /** The original response (for a confirmation button: the message the button is on); undefined once deleted. */
  message?: FakeMessage;
  followUps: FakeMessage[];
};

/** The buttons of a message, row by row flattened. */
export function buttonsOf(message: FakeMessage | undefined): FakeButton[] {
  return (message?.components ?? []).flatMap((row) =>
    row.components.map((b) => ({ label: b.label ?? '', customId: b.custom_id ?? '', style: b.style })),
  );
}

/**
 * Everything a user reads in a message: content, then each embed's title, description and fields, with markdown
 * escapes (`\\(`) and zero-width spaces removed as Discord's client shows them.
 */
export function textOf(message: FakeMessage | undefined): string {
  if (!message) return '';
  const parts = [message.content];
  for (const e of message.embeds) {
    parts.push(e.title ?? '', e.description ?? '', ...(e.fields ?? []).map((f) => `${f.name}: ${f.value}`));
  }
  return parts
    .filter(Boolean)
    .join('\n')
    .replace(/\\([\\*_~`|>[\]()#<@:.-])/g, '$1')
    .replace(/\u200b/g, '');
}

/** A request body, whole. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A JSON body, or a multipart one as its `payload_json` plus the uploaded files. */
export async function parseBody(raw: Buffer, contentType: string): Promise<{ body?: unknown; files: FakeFile[] }> {
  if (raw.length === 0) return { files: [] };
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const files: FakeFile[] = [];
    let body: unknown;
    for (const [name, value] of form.entries()) {
      if (name === 'payload_json' && typeof value === 'string') body = JSON.parse(value);
      else if (typeof value !== 'string') files.push({ name: value.name, content: await value.text() });
    }
    return { body, files };
  }
  return { body: JSON.parse(raw.toString('utf8')), files: [] };
}

/** A member as Discord's API sends it (in GUILD_CREATE and interactions). */
export function apiMember(member: FakeMember): Record<string, unknown> {
  return {
    user: { id: member.id, username: member.username, discriminator: '0', global_name: null, avatar: null },
    roles: member.roles,
    joined_at: '2026-01-01T00:00:00.000Z',
    deaf: false,
    mute: false,
    flags: 0,
  };
}

/** A message as Discord's API returns it, authored by the bot. */
export function apiMessage(message: FakeMessage): Record<string, unknown> {
  return {
    id: message.id,
    channel_id: message.channelId,
    author: {
      id: FAKE_BOT_USER_ID,
      username: 'dockwatch',
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
    },
    content: message.content,
    embeds: message.embeds,
    components: message.components,
    attachments: message.files.map((f, i) => ({
      id: `${message.id}${i}`,
      filename: f.name,
      size: Buffer.byteLength(f.content),
      url: `https://cdn.invalid/${f.name}`,
      proxy_url: `https://cdn.invalid/${f.name}`,
    })),
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    pinned: false,
    type: 0,
    flags: message.ephemeral ? 64 : 0,
  };
}
