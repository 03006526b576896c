import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  FAKE_BOT_USER_ID,
  apiMember,
  apiMessage,
  parseBody,
  readBody,
  type FakeEmbed,
  type FakeFile,
  type FakeMember,
  type FakeMessage,
  type FakeReply,
  type FakeRole,
  type RecordedRequest,
} from './fakeDiscordMessages';
import { waitFor } from './waitFor';

export { buttonsOf, textOf } from './fakeDiscordMessages';
export type {
  FakeButton,
  FakeEmbed,
  FakeFile,
  FakeMember,
  FakeMessage,
  FakeReply,
  FakeRole,
  RecordedRequest,
} from './fakeDiscordMessages';

type InteractionState = {
  id: string;
  token: string;
  type: number;
  channelId: string;
  original?: FakeMessage;
  followUps: FakeMessage[];
  /** Set by a reply (4), an update (7), an edit of the original or a follow-up: the user sees an answer. */
  answered: boolean;
  autocomplete?: { name: string; value: string }[];
};

/** What the fake Discord is set up with. */
export type FakeDiscordOptions = {
  token: string;
  roles: FakeRole[];
  members: FakeMember[];
  /**
   * Called with each REST request and its body's size in bytes once the fake has handled it (its state updated),
   * before the response is written: lets a bench time when a reply arrives without polling.
   */
  onRequest?: (request: RecordedRequest, bytes: number) => void;
};

type Json = Record<string, unknown>;

const API = '/api/v10';
const GUILD_ID = '900000000000000001';
const APPLICATION_ID = '900000000000000002';

const ALERT_CHANNEL_ID = '900000000000000004';
const COMMAND_CHANNEL_ID = '900000000000000005';
const HEARTBEAT_INTERVAL_MS = 41_250;

/**
 * A fake Discord for the real discord.js client: REST under `/api` (gateway info, command registration, interaction
 * callbacks, webhook edits and follow-ups, channel messages) and a JSON gateway (HELLO, IDENTIFY → READY and one
 * GUILD_CREATE with roles, members and two text channels, heartbeats) on one loopback port. Every REST request is
 * recorded; helpers send slash commands, button presses and autocompletions as the members the test defines.
 */
export class FakeDiscord {
  readonly guildId = GUILD_ID;
  readonly applicationId = APPLICATION_ID;
  readonly alertChannelId = ALERT_CHANNEL_ID;
  readonly commandChannelId = COMMAND_CHANNEL_ID;
  readonly requests: RecordedRequest[] = [];
  private readonly commands = new Map<string, Json[]>();
  private readonly interactions = new Map<string, InteractionState>();
  private readonly messages = new Map<string, FakeMessage>();
  private readonly sockets = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private session: WebSocket | undefined;
  private sequence = 0;
  private nextId = 1n;

  private constructor(
    private readonly server: Server,
    private readonly options: FakeDiscordOptions,
  ) {}

  /** Starts the fake on 127.0.0.1 and a free port. */
  static async start(options: FakeDiscordOptions): Promise<FakeDiscord> {
    const server = createServer();
    const fake = new FakeDiscord(server, options);
    server.on('request', (req, res) => void fake.onRequest(req, res));
    server.on('upgrade', (req, socket, head) => {
      fake.wss.handleUpgrade(req, socket, head, (ws) => fake.onGateway(ws));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The REST base for discord.js's `rest.api` option. */
  get apiUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
  }

  /** The slash commands registered for a guild (the last PUT), as the client sent them. */
  registeredCommands(guildId = GUILD_ID): Json[] {
    return this.commands.get(guildId) ?? [];
  }

  /** The messages posted to a channel (not interaction replies), oldest first. */
  channelMessages(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channelId === channelId && m.id.startsWith('c'));
  }

  /** Sends `/name options…` as `member` (option types come from the registered command); returns the interaction id. */
  async sendSlashCommand(member: FakeMember, name: string, options: Record<string, string | number | boolean> = {}) {
    const command = this.command(name);
    const data = {
      id: command.id,
      name,
      type: 1,
      guild_id: GUILD_ID,
      options: Object.entries(options).map(([key, value]) => ({
        name: key,
        type: this.optionType(command, key),
        value,
      })),
    };
    return this.dispatchInteraction(member, 2, data);
  }

  /** Presses the button `customId` on `message` as `member`; returns the interaction id. */
  async pressButton(member: FakeMember, message: FakeMessage, customId: string): Promise<string> {
    return this.dispatchInteraction(member, 3, { custom_id: customId, component_type: 2 }, message);
  }

  /** Types `value` into the autocompleted option `focused` of `/name` as `member`; resolves with the choices. */
  async autocomplete(member: FakeMember, name: string, focused: string, value: string): Promise<string[]> {
    const command = this.command(name);
    const data = {
      id: command.id,
      name,
      type: 1,
      guild_id: GUILD_ID,
      options: [{ name: focused, type: this.optionType(command, focused), value, focused: true }],
    };
    const id = await this.dispatchInteraction(member, 4, data);
    const choices = await waitFor(async () => this.interactions.get(id)?.autocomplete, {
      what: `autocomplete choices for /${name} ${focused}`,
    });
    return choices.map((c) => c.value);
  }

  /**
   * Waits until the user sees an answer to an interaction (a reply, an edit of the deferred reply or of the
   * button's message, or a follow-up) and, if given, until `until` holds; resolves with what they see.
   */
  async waitForReply(
    interactionId: string,
    until: (reply: FakeReply) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<FakeReply> {
    return waitFor(
      async () => {
        const state = this.interactions.get(interactionId);
        if (!state?.answered) return undefined;
        const reply: FakeReply = {
          ...(state.original && !state.original.deleted ? { message: state.original } : {}),
          followUps: [...state.followUps],
        };
        return until(reply) ? reply : undefined;
      },
      { what: `the reply to interaction ${interactionId}`, timeoutMs, intervalMs: 20 },
    );
  }

  /** Waits for the n-th (1-based) message in a channel. */
  async waitForChannelMessage(channelId: string, count = 1): Promise<FakeMessage> {
    return waitFor(async () => this.channelMessages(channelId)[count - 1], {
      what: `message ${count} in channel ${channelId}`,
    });
  }

  /** Stops the gateway and the HTTP server (call the client's destroy() first). */
  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private command(name: string): Json {
    const command = this.registeredCommands().find((c) => c.name === name);
    if (!command) throw new Error(`/${name} is not registered in the fake guild`);
    return command;
  }

  private optionType(command: Json, name: string): number {
    const options = (command.options ?? []) as { name: string; type: number }[];
    const option = options.find((o) => o.name === name);
    if (!option) throw new Error(`/${String(command.name)} has no option ${name}`);
    return option.type;
  }

  private snowflake(): string {
    return String(910000000000000000n + this.nextId++);
  }

  private async dispatchInteraction(member: FakeMember, type: number, data: Json, message?: FakeMessage) {
    const socket = await waitFor(async () => this.session, { what: 'a gateway session' });
    const id = this.snowflake();
    const token = `itoken-${randomBytes(8).toString('hex')}`;
    const channelId = message?.channelId ?? COMMAND_CHANNEL_ID;
    this.interactions.set(id, {
      id,
      token,
      type,
      channelId,
      followUps: [],
      answered: false,
      ...(message ? { original: message } : {}),
    });
    this.dispatch(socket, 'INTERACTION_CREATE', {
      id,
      application_id: APPLICATION_ID,
      type,
      token,
      version: 1,
      guild_id: GUILD_ID,
      channel_id: channelId,
      channel: { id: channelId, type: 0, guild_id: GUILD_ID, name: 'ops' },
      member: { ...apiMember(member), permissions: '0' },
      data,
      ...(message ? { message: apiMessage(message) } : {}),
      app_permissions: '0',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': GUILD_ID },
      context: 0,
      attachment_size_limit: 8_388_608,
    });
    return id;
  }

  private onGateway(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => {
      this.sockets.delete(ws);
      if (this.session === ws) this.session = undefined;
    });
    ws.on('message', (raw) => {
      const packet = JSON.parse(String(raw)) as { op: number; d: Json | null };
      if (packet.op === 1) ws.send(JSON.stringify({ op: 11, d: null }));
      if (packet.op === 2) this.identify(ws, packet.d ?? {});
    });
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: HEARTBEAT_INTERVAL_MS } }));
  }

  private identify(ws: WebSocket, d: Json): void {
    if (d.token !== this.options.token) {
      ws.close(4004, 'Authentication failed.');
      return;
    }
    const port = (this.server.address() as AddressInfo).port;
    this.dispatch(ws, 'READY', {
      v: 10,
      user: {
        id: FAKE_BOT_USER_ID,
        username: 'dockwatch',
        discriminator: '0',
        global_name: null,
        avatar: null,
        bot: true,
      },
      guilds: [{ id: GUILD_ID, unavailable: true }],
      session_id: randomBytes(8).toString('hex'),
      resume_gateway_url: `ws://127.0.0.1:${port}/gateway`,
      application: { id: APPLICATION_ID, flags: 0 },
    });
    this.dispatch(ws, 'GUILD_CREATE', {
      id: GUILD_ID,
      name: 'ops team',
      owner_id: FAKE_BOT_USER_ID,
      unavailable: false,
      member_count: this.options.members.length + 1,
      roles: [{ id: GUILD_ID, name: '@everyone' }, ...this.options.roles].map((r, position) => ({
        ...r,
        color: 0,
        hoist: false,
        position,
        permissions: '0',
        managed: false,
        mentionable: false,
        flags: 0,
      })),
      members: this.options.members.map((m) => apiMember(m)),
      channels: [
        { id: ALERT_CHANNEL_ID, type: 0, name: 'alerts', guild_id: GUILD_ID, position: 0, permission_overwrites: [] },
        { id: COMMAND_CHANNEL_ID, type: 0, name: 'ops', guild_id: GUILD_ID, position: 1, permission_overwrites: [] },
      ],
      threads: [],
      emojis: [],
      stickers: [],
      features: [],
    });
    this.session = ws;
  }

  private dispatch(ws: WebSocket, t: string, d: Json): void {
    ws.send(JSON.stringify({ op: 0, t, s: ++this.sequence, d }));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://fake');
      const path = decodeURIComponent(url.pathname);
      const raw = await readBody(req);
      const { body, files } = await parseBody(raw, req.headers['content-type'] ?? '');
      const request: RecordedRequest = { method: req.method ?? 'GET', path, query: url.searchParams, body, files };
      this.requests.push(request);
      const [status, response] = this.route(request, req.headers.authorization);
      this.options.onRequest?.(request, raw.length);
      res.writeHead(status, response === undefined ? {} : { 'content-type': 'application/json' });
      res.end(response === undefined ? undefined : JSON.stringify(response));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: (err as Error).message, code: 0 }));
    }
  }

  private route(request: RecordedRequest, authorization: string | undefined): [number, unknown] {
    const { method, path } = request;
    const body = (request.body ?? {}) as Json;
    const botAuth = authorization === `Bot ${this.options.token}`;
    const unauthorized: [number, unknown] = [401, { message: '401: Unauthorized', code: 0 }];
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === `${API}/gateway/bot`) {
      if (!botAuth) return unauthorized;
      const port = (this.server.address() as AddressInfo).port;
      return [
        200,
        {
          url: `ws://127.0.0.1:${port}/gateway`,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
        },
      ];
    }
    if ((m = new RegExp(`^${API}/applications/(\\d+)/guilds/(\\d+)/commands$`).exec(path))) {
      if (!botAuth) return unauthorized;
      if (method === 'PUT') {
        const defs = (request.body as Json[]).map((c) => ({
          ...c,
          id: this.snowflake(),
          application_id: m?.[1],
          guild_id: m?.[2],
          version: '1',
          default_member_permissions: null,
          type: c.type ?? 1,
        }));
        this.commands.set(m[2] as string, defs);
        return [200, defs];
      }
      if (method === 'GET') return [200, this.commands.get(m[2] as string) ?? []];
    }
    if (method === 'POST' && (m = new RegExp(`^${API}/interactions/(\\d+)/([^/]+)/callback$`).exec(path))) {
      const state = this.interactions.get(m[1] as string);
      if (!state || state.token !== m[2]) return [404, { message: 'Unknown interaction', code: 10062 }];
      this.callback(state, body, request.files);
      return [204, undefined];
    }
    if ((m = new RegExp(`^${API}/webhooks/(\\d+)/([^/]+)(/messages/(.+))?$`).exec(path))) {
      const state = [...this.interactions.values()].find((i) => i.token === m?.[2]);
      if (!state) return [404, { message: 'Unknown Webhook', code: 10015 }];
      return this.webhook(state, method, m[4], body, request.files);
    }
    if ((m = new RegExp(`^${API}/channels/(\\d+)(/messages)?$`).exec(path))) {
      if (!botAuth) return unauthorized;
      const channelId = m[1] as string;
      if (channelId !== ALERT_CHANNEL_ID && channelId !== COMMAND_CHANNEL_ID) {
        return [404, { message: 'Unknown Channel', code: 10003 }];
      }
      if (method === 'GET' && !m[2]) {
        return [200, { id: channelId, type: 0, guild_id: GUILD_ID, name: 'alerts', position: 0 }];
      }
      if (method === 'POST' && m[2]) {
        const message = this.newMessage(`c${this.snowflake()}`, channelId, body, request.files, false);
        return [200, apiMessage(message)];
      }
    }
    if ((m = new RegExp(`^${API}/channels/(\\d+)/messages/([^/]+)$`).exec(path))) {
      if (!botAuth) return unauthorized;
      const message = this.messages.get(m[2] as string);
      if (!message || message.channelId !== m[1]) return [404, { message: 'Unknown Message', code: 10008 }];
      if (method === 'PATCH') {
        this.editMessage(message, body, request.files);
        return [200, apiMessage(message)];
      }
      if (method === 'GET') return [200, apiMessage(message)];
    }
    return [404, { message: `fake Discord has no route ${method} ${path}`, code: 0 }];
  }

  private callback(state: InteractionState, body: Json, files: FakeFile[]): void {
    const data = (body.data ?? {}) as Json;
    const ephemeral = ((Number(data.flags ?? 0) & 64) === 64) as boolean;
    switch (body.type) {
      case 4:
        state.original = this.newMessage(`r${this.snowflake()}`, state.channelId, data, files, ephemeral);
        state.answered = true;
        break;
      case 5:
        state.original = this.newMessage(`r${this.snowflake()}`, state.channelId, {}, [], ephemeral);
        break;
      case 6:
        break;
      case 7:
        if (state.original) this.editMessage(state.original, data, files);
        state.answered = true;
        break;
      case 8:
        state.autocomplete = (data.choices ?? []) as { name: string; value: string }[];
        break;
    }
  }

  private webhook(
    state: InteractionState,
    method: string,
    target: string | undefined,
    body: Json,
    files: FakeFile[],
  ): [number, unknown] {
    if (method === 'POST' && target === undefined) {
      const ephemeral = (Number(body.flags ?? 0) & 64) === 64;
      const message = this.newMessage(`f${this.snowflake()}`, state.channelId, body, files, ephemeral);
      state.followUps.push(message);
      state.answered = true;
      return [200, apiMessage(message)];
    }
    const message = target === '@original' ? state.original : this.messages.get(target ?? '');
    if (!message) return [404, { message: 'Unknown Message', code: 10008 }];
    if (method === 'PATCH') {
      this.editMessage(message, body, files);
      state.answered = true;
      return [200, apiMessage(message)];
    }
    if (method === 'DELETE') {
      message.deleted = true;
      return [204, undefined];
    }
    if (method === 'GET') return [200, apiMessage(message)];
    return [405, { message: 'Method Not Allowed', code: 0 }];
  }

  private newMessage(id: string, channelId: string, body: Json, files: FakeFile[], ephemeral: boolean): FakeMessage {
    const message: FakeMessage = {
      id,
      channelId,
      content: '',
      embeds: [],
      components: [],
      files: [],
      ephemeral,
      deleted: false,
    };
    this.editMessage(message, body, files);
    this.messages.set(id, message);
    return message;
  }

  private editMessage(message: FakeMessage, body: Json, files: FakeFile[]): void {
    if (typeof body.content === 'string' || body.content === null) message.content = (body.content as string) ?? '';
    if (Array.isArray(body.embeds)) message.embeds = body.embeds as FakeEmbed[];
    if (Array.isArray(body.components)) message.components = body.components as FakeMessage['components'];
    if (Array.isArray(body.attachments) || files.length) message.files = files;
  }
}
