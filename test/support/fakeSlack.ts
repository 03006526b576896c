import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { waitFor } from './waitFor';

/** One Web API call the fake received: the method, its arguments (JSON-valued ones parsed) and the bearer token. */
export type SlackApiCall = { method: string; params: Record<string, unknown>; token: string | undefined };

/** One body POSTed to a response_url (`/respond/<n>`), i.e. one `respond()` of the app. */
export type SlackResponse = { n: number; body: SlackResponseBody };

/** What `respond()` sends (the parts tests look at). */
export type SlackResponseBody = {
  text?: string;
  blocks?: SlackTestBlock[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
};

/** A Block Kit block as the fake stores it (loosely typed: tests read what they check). */
export type SlackTestBlock = {
  type: string;
  text?: { type: string; text: string };
  fields?: Array<{ type: string; text: string }>;
  elements?: Array<{
    type: string;
    text?: string | { text: string };
    action_id?: string;
    value?: string;
    style?: string;
  }>;
};

/** A button found in blocks. */
export type SlackTestButton = { actionId: string; value: string; label: string; style?: string };

/** A file uploaded through files.getUploadURLExternal → upload URL → files.completeUploadExternal. */
export type SlackUpload = { fileId: string; filename: string; content: string; channelId?: string; completed: boolean };

/** A user group the fake serves from usergroups.list. */
export type SlackTestUserGroup = { id: string; handle: string; users: string[] };

/** How the fake is set up. */
export type FakeSlackOptions = {
  /** The bot token the fake accepts (others get invalid_auth). */
  token: string;
  /** The signing secret requests to the app are signed with. */
  signingSecret: string;
  userGroups?: SlackTestUserGroup[];
  /** The app-level token (xapp-) apps.connections.open accepts, for Socket Mode. */
  appToken?: string;
};

/** A slash command as a user types it. */
export type SlashCommandInput = {
  userId: string;
  channelId: string;
  text: string;
  command?: string;
  /** Seconds to backdate the signature timestamp by (a replay test). */
  ageSeconds?: number;
  /** Sign with this secret instead of the right one. */
  secret?: string;
};

/** A button press on a message the app posted. */
export type ButtonPressInput = { userId: string; channelId: string; actionId: string; value?: string };

/** A Socket Mode envelope the app acknowledged, with what it sent back. */
export type SocketAck = { envelope_id: string; payload?: unknown };

/** What a request to the app returned, and the response_url number its respond() calls arrive on. */
export type SentToApp = { status: number; n: number };

const BOT_USER = 'UBOT';

/**
 * A fake Slack for @slack/bolt on 127.0.0.1: the Web API methods the adapter and bolt call (auth.test,
 * chat.postMessage, chat.update, usergroups.list, the external file upload flow), response_url receivers
 * (`/respond/<n>`), and helpers that send signed slash commands and button presses to the app as Slack does.
 * Everything is recorded.
 */
export class FakeSlack {
  readonly calls: SlackApiCall[] = [];
  readonly responses: SlackResponse[] = [];
  readonly uploads: SlackUpload[] = [];
  userGroups: SlackTestUserGroup[];
  /** When set, usergroups.list answers `{ ok: false, error }`. */
  userGroupsError?: string;
  /** Channels chat.postMessage refuses with `not_in_channel` (the bot was not invited there). */
  readonly notInChannels = new Set<string>();
  /** Where the app takes requests (`http://127.0.0.1:PORT/slack/events`); set by the test once the app listens. */
  appUrl?: string;
  /** Envelopes acknowledged over Socket Mode connections. */
  readonly acks: SocketAck[] = [];
  private nextN = 1;
  private nextTs = 1;
  private readonly sockets = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<WebSocket>();

  private readonly server: Server;

  private constructor(private readonly options: FakeSlackOptions) {
    this.userGroups = options.userGroups ?? [];
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => {
        res.writeHead(500).end(err.message);
      });
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/link')) return void socket.destroy();
      this.sockets.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
    });
  }

  /** Starts the fake on a free loopback port. */
  static async start(options: FakeSlackOptions): Promise<FakeSlack> {
    const fake = new FakeSlack(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The fake's base URL. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The Web API base to configure as `bot.slack.apiUrl`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Web API calls of one method, in order. */
  callsOf(method: string): SlackApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Sends a signed slash command to the app, exactly as Slack encodes it; returns the HTTP status and its n. */
  async slashCommand(input: SlashCommandInput): Promise<SentToApp> {
    const n = this.nextN++;
    const body = new URLSearchParams(this.commandFields(input, n)).toString();
    return { status: await this.postToApp(body, input.ageSeconds, input.secret), n };
  }

  /** Sends a slash command over the open Socket Mode connection; resolves with its n once the app acknowledged it. */
  async socketSlashCommand(input: SlashCommandInput): Promise<{ n: number; ack: SocketAck }> {
    const ws = await waitFor(async () => [...this.connections][0], { what: 'a Socket Mode connection' });
    const n = this.nextN++;
    const envelopeId = `envelope-${n}`;
    const payload = this.commandFields(input, n);
    ws.send(
      JSON.stringify({ envelope_id: envelopeId, type: 'slash_commands', payload, accepts_response_payload: true }),
    );
    const ack = await waitFor(async () => this.acks.find((a) => a.envelope_id === envelopeId), {
      what: `the ack of ${envelopeId}`,
      intervalMs: 20,
    });
    return { n, ack };
  }

  /** How many Socket Mode connections are open. */
  get socketConnections(): number {
    return this.connections.size;
  }

  private commandFields(input: SlashCommandInput, n: number): Record<string, string> {
    return {
      token: 'legacy-verification-token',
      team_id: 'T0TEST',
      team_domain: 'test',
      channel_id: input.channelId,
      channel_name: 'ops',
      user_id: input.userId,
      user_name: input.userId.toLowerCase(),
      command: input.command ?? '/dockwatch',
      text: input.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      api_app_id: 'A0TEST',
      is_enterprise_install: 'false',
      response_url: `${this.url}/respond/${n}`,
      trigger_id: `trigger-${n}`,
    };
  }

  private connected(ws: WebSocket): void {
    this.connections.add(ws);
    ws.on('close', () => this.connections.delete(ws));
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as SocketAck;
      if (message.envelope_id) this.acks.push(message);
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0TEST' } }));
  }

  /** Sends a signed block_actions payload (form field `payload`) for a button press. */
  async pressButton(input: ButtonPressInput): Promise<SentToApp> {
    const n = this.nextN++;
    const payload = {
      type: 'block_actions',
      user: {
        id: input.userId,
        username: input.userId.toLowerCase(),
        name: input.userId.toLowerCase(),
        team_id: 'T0TEST',
      },
      api_app_id: 'A0TEST',
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: '1.000001', channel_id: input.channelId, is_ephemeral: false },
      trigger_id: `trigger-${n}`,
      team: { id: 'T0TEST', domain: 'test' },
      channel: { id: input.channelId, name: 'ops' },
      response_url: `${this.url}/respond/${n}`,
      actions: [
        {
          action_id: input.actionId,
          block_id: 'b1',
          text: { type: 'plain_text', text: 'button', emoji: true },
          value: input.value ?? input.actionId,
          type: 'button',
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return { status: await this.postToApp(body), n };
  }

  /** Waits for the `index`-th respond() (0-based) on response_url `n`. */
  async response(n: number, index = 0, timeoutMs = 20_000): Promise<SlackResponseBody> {
    return waitFor(async () => this.responses.filter((r) => r.n === n)[index]?.body, {
      what: `respond() #${index} on /respond/${n}`,
      timeoutMs,
      intervalMs: 20,
    });
  }

  /** Waits for the first respond() on `n` that is not a progress update (the command's reply). */
  async reply(n: number, timeoutMs = 20_000): Promise<SlackResponseBody> {
    return waitFor(async () => this.responses.find((r) => r.n === n && !r.body.text?.startsWith(':hourglass'))?.body, {
      what: `the reply on /respond/${n}`,
      timeoutMs,
      intervalMs: 20,
    });
  }

  /** Waits for a Web API call of `method` made after the first `after` calls of it. */
  async nextCall(method: string, after: number, timeoutMs = 20_000): Promise<SlackApiCall> {
    return waitFor(async () => this.callsOf(method)[after], {
      what: `${method} call #${after}`,
      timeoutMs,
      intervalMs: 20,
    });
  }

  /** Stops the fake (open keep-alive connections included). */
  async stop(): Promise<void> {
    for (const ws of this.connections) ws.terminate();
    this.sockets.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async postToApp(body: string, ageSeconds = 0, secret = this.options.signingSecret): Promise<number> {
    if (!this.appUrl) throw new Error('FakeSlack.appUrl is not set: point it at the app (…/slack/events)');
    const ts = Math.floor(Date.now() / 1000) - ageSeconds;
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await fetch(this.appUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signature,
      },
      body,
    });
    await res.arrayBuffer();
    return res.status;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', this.url).pathname;
    const respondMatch = /^\/respond\/(\d+)$/.exec(path);
    if (respondMatch) {
      this.responses.push({ n: Number(respondMatch[1]), body: JSON.parse(raw.toString('utf8')) as SlackResponseBody });
      return json(res, { ok: true });
    }
    const uploadMatch = /^\/upload\/(F\w+)$/.exec(path);
    if (uploadMatch) {
      const upload = this.uploads.find((u) => u.fileId === uploadMatch[1]);
      if (!upload) return void res.writeHead(404).end('no such upload');
      upload.content = raw.toString('utf8');
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
    }
    const apiMatch = /^\/api\/([\w.]+)$/.exec(path);
    if (!apiMatch) return void res.writeHead(404).end('not found');
    const params = parseParams(raw.toString('utf8'), req.headers['content-type']);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : (params.token as string | undefined);
    const method = apiMatch[1] as string;
    this.calls.push({ method, params, token });
    if (method === 'apps.connections.open') {
      if (!this.options.appToken || token !== this.options.appToken)
        return json(res, { ok: false, error: 'invalid_auth' });
      return json(res, {
        ok: true,
        url: `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link/?ticket=t${this.nextTs++}`,
      });
    }
    if (token !== this.options.token) return json(res, { ok: false, error: 'invalid_auth' });
    return json(res, this.answer(method, params));
  }

  private answer(method: string, params: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://test.slack.com/',
          team: 'Test',
          user: 'dockwatch',
          team_id: 'T0TEST',
          user_id: BOT_USER,
          bot_id: 'B0BOT',
        };
      case 'chat.postMessage':
      case 'chat.update':
        if (this.notInChannels.has(String(params.channel))) return { ok: false, error: 'not_in_channel' };
        return { ok: true, channel: params.channel, ts: `${this.nextTs++}.000100`, message: { text: params.text } };
      case 'usergroups.list':
        if (this.userGroupsError) return { ok: false, error: this.userGroupsError };
        return {
          ok: true,
          usergroups: this.userGroups.map((g) => ({
            ...g,
            name: g.handle,
            ...(params.include_users ? {} : { users: undefined }),
          })),
        };
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(this.uploads.length + 1).padStart(6, '0')}`;
        this.uploads.push({ fileId, filename: String(params.filename), content: '', completed: false });
        return { ok: true, upload_url: `${this.url}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = (Array.isArray(params.files) ? params.files : []) as Array<{ id: string; title?: string }>;
        for (const f of files) {
          const upload = this.uploads.find((u) => u.fileId === f.id);
          if (!upload) return { ok: false, error: 'file_not_found' };
          upload.completed = true;
          if (typeof params.channel_id === 'string') upload.channelId = params.channel_id;
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

/** The buttons in a message's actions blocks. */
export function buttonsIn(blocks: readonly SlackTestBlock[] | undefined): SlackTestButton[] {
  return (blocks ?? [])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.type === 'button')
    .map((e) => ({
      actionId: e.action_id ?? '',
      value: e.value ?? '',
      label: typeof e.text === 'object' ? e.text.text : (e.text ?? ''),
      ...(e.style ? { style: e.style } : {}),
    }));
}

/** All the text of a message's blocks (header, sections, fields, context), joined by newlines. */
export function blocksText(blocks: readonly SlackTestBlock[] | undefined): string {
  return (blocks ?? [])
    .flatMap((b) => [
      b.text?.text,
      ...(b.fields ?? []).map((f) => f.text),
      ...(b.type === 'context' ? (b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : '')) : []),
    ])
    .filter((t): t is string => !!t)
    .join('\n');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseParams(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    params[key] = /^[[{]/.test(value) ? tryJson(value) : value;
  }
  return params;
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
