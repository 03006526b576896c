import { AttachmentBuilder, Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Interaction,
  APIEmbed,
} from 'discord.js';
import type { Logger } from '../../../shared/logger';
import type { DiscordConfig } from '../../../config/botSchema';
import { CANCEL_PREFIX, CONFIRM_PREFIX, RUN_PREFIX, type CommandCore } from '../../core/commandCore';
import { isCommandName } from '../../../config/commandNames';
import { PRIVATE_COMMANDS } from '../../core/privateCommands';
import { failedReply, invalidReply, type Reply } from '../../core/reply';
import type { ChatAdapter } from '../chatAdapter';
import { ButtonIds } from './buttonIds';
import { discordIdentity } from './discordIdentity';
import { renderDiscordProgress, renderDiscordReply, type DiscordButtonRow, type DiscordMessage } from './discordRender';
import { ProgressEdits } from './progressEdits';
import { DiscordLiveTarget } from './discordLiveTarget';
import {
  DISCORD_LIVE_BUDGET,
  DISCORD_LIVE_INTERVAL_MS,
  discordLiveCost,
  renderDiscordLive,
  scrollDiscordWindow,
} from './discordLive';
import { STOP_PREFIX } from '../../live/liveSessions';
import { pumpLive } from '../../live/livePump';
import { commandWords, completionKind, slashCommandDefinitions } from './slashCommands';

/** What the Discord adapter is built from. */
export type DiscordAdapterOptions = {
  config: DiscordConfig;
  core: CommandCore;
  logger: Logger;
  /** How long a live reply is edited before it moves to a channel message (default 14 minutes; tests shorten it). */
  replyEditLifetimeMs?: number;
  /** How long start() waits for the gateway to be ready (default 30 s). */
  readyTimeoutMs?: number;
  now?: () => number;
};

/** A rendered message as discord.js sends it (create, reply, edit and follow-up all take this shape). */
type MessageOptions = {
  embeds: APIEmbed[];
  components: DiscordButtonRow[];
  files: AttachmentBuilder[];
  allowedMentions: { parse: [] };
};

const READY_TIMEOUT_MS = 30_000;
const LIVE_MOVED = 'Continued in the message below (Discord lets a reply be edited for 15 minutes).';
const LIVE_MOVE_FAILED =
  'Discord lets a reply be edited for 15 minutes, and the bot cannot post in this channel to go on';
const EPHEMERAL = { flags: MessageFlags.Ephemeral } as const;

/** Builds the Discord adapter: slash commands, autocompletion and buttons through the command core. */
export function createDiscordAdapter(options: DiscordAdapterOptions): ChatAdapter {
  return new DiscordAdapter(options);
}

/**
 * The Discord adapter on discord.js 14: logs in, registers one slash command per bot command in every configured
 * guild, and turns interactions into `CommandCore.handle`/`press` calls with an identity built from what Discord says
 * (user, member roles, channel). Replies are deferred first, then edited with the rendered reply.
 */
class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord' as const;
  private client: Client | undefined;
  private readonly buttons: ButtonIds;

  constructor(private readonly options: DiscordAdapterOptions) {
    this.buttons = new ButtonIds(undefined, options.now);
  }

  async start(): Promise<void> {
    if (this.client) throw new Error('the Discord adapter is already started');
    const { config, logger } = this.options;
    const client = new Client({
      intents: [GatewayIntentBits.Guilds],
      rest: { api: config.apiUrl },
      allowedMentions: { parse: [] },
    });
    client.on(Events.InteractionCreate, (interaction) => void this.onInteraction(interaction));
    client.on(Events.Error, (err) => logger.error('discord client error', { error: this.safe(err) }));
    client.on(Events.ShardError, (err) => logger.warn('discord gateway error', { error: this.safe(err) }));
    client.on(Events.Warn, (message) => logger.warn('discord warning', { message }));
    this.client = client;
    const ready = this.whenReady(client);
    try {
      await client.login(config.token);
      await ready.done;
      await this.registerCommands(client);
    } catch (err) {
      ready.cancel();
      this.client = undefined;
      await client.destroy().catch(() => undefined);
      throw new Error(`Discord adapter could not start: ${this.safe(err)}`);
    }
    logger.info('discord adapter ready', { user: client.user?.tag, guilds: config.guilds.length });
  }

  async postAlert(reply: Reply): Promise<void> {
    const channelId = this.options.config.alertChannel;
    if (!channelId) return;
    const client = this.client;
    if (!client) throw new Error('the Discord adapter is not started');
    const channel = await client.channels.fetch(channelId).catch((err: unknown) => {
      throw new Error(`Discord alert channel ${channelId} cannot be fetched: ${this.safe(err)}`);
    });
    if (!channel || !channel.isSendable()) {
      throw new Error(`Discord alert channel ${channelId} is not a channel the bot can post in`);
    }
    await channel.send(this.toOptions(this.render(reply)));
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.destroy();
  }

  /** ClientReady (all guilds received) or a rejection after the timeout; `cancel` clears the timer. */
  private whenReady(client: Client): { done: Promise<void>; cancel: () => void } {
    const timeoutMs = this.options.readyTimeoutMs ?? READY_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the Discord gateway was not ready within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      client.once(Events.ClientReady, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    done.catch(() => undefined);
    return { done, cancel: () => clearTimeout(timer) };
  }

  private async registerCommands(client: Client): Promise<void> {
    const application = client.application;
    if (!application) throw new Error('Discord sent no application in READY');
    const definitions = slashCommandDefinitions(this.options.core.specs());
    const failures: string[] = [];
    for (const guild of this.options.config.guilds) {
      try {
        await application.commands.set(definitions, guild);
      } catch (err) {
        failures.push(`guild ${guild}: ${this.safe(err)}`);
      }
    }
    if (failures.length) throw new Error(`slash commands could not be registered (${failures.join('; ')})`);
  }

  private async onInteraction(interaction: Interaction): Promise<void> {
    try {
      if (!interaction.inGuild() || !this.options.config.guilds.includes(interaction.guildId)) {
        if (interaction.isRepliable()) {
          await interaction.reply({ ...EPHEMERAL, ...this.toOptions(this.render(notHere())) });
        }
        return;
      }
      if (interaction.isAutocomplete()) await this.onAutocomplete(interaction);
      else if (interaction.isChatInputCommand()) await this.onCommand(interaction);
      else if (interaction.isButton()) await this.onButton(interaction);
    } catch (err) {
      this.options.logger.error('discord interaction failed', {
        interaction: interaction.id,
        type: interaction.type,
        error: this.safe(err),
      });
    }
  }

  private async onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const spec = this.options.core.specs().find((s) => s.name === interaction.commandName);
    const kind = spec ? completionKind(spec, focused.name) : undefined;
    if (!spec || !kind || !isCommandName(spec.name)) {
      await interaction.respond([]);
      return;
    }
    const values = await this.options.core
      .complete(discordIdentity(interaction), spec.name, kind, String(focused.value))
      .catch((err: unknown) => {
        this.options.logger.warn('discord autocomplete failed', { error: this.safe(err) });
        return [];
      });
    const choices = values.filter((v) => v.length <= 100).map((v) => ({ name: v, value: v }));
    await interaction.respond(choices.slice(0, 25));
  }

  private async onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const identity = discordIdentity(interaction);
    const spec = this.options.core.specs().find((s) => s.name === interaction.commandName);
    if (!spec) {
      const unknown = invalidReply(`/${interaction.commandName} is not a dockwatch command (any more); try /help`);
      await interaction.reply({ ...EPHEMERAL, ...this.toOptions(this.render(unknown)) });
      return;
    }
    const words = commandWords(spec, interaction.options.data);
    await interaction.deferReply(PRIVATE_COMMANDS.has(spec.name) ? EPHEMERAL : {});
    const progress = this.progressOf(interaction, typeof words === 'string' ? words : words.join(' '));
    const reply = await this.options.core.handle({ identity, text: words, onProgress: (s) => progress.step(s) });
    await progress.finish();
    if (reply.live) await this.followLive(interaction, reply);
    else await this.answer(interaction, reply);
  }

  private async onButton(interaction: ButtonInteraction): Promise<void> {
    const identity = discordIdentity(interaction);
    const resolved = this.buttons.resolve(interaction.customId);
    if (!resolved.ok) {
      const expired = invalidReply('This button expired; run the command again.');
      await interaction.reply({ ...EPHEMERAL, ...this.toOptions(this.render(expired)) });
      return;
    }
    const id = resolved.id;
    const stop = id.startsWith(STOP_PREFIX);
    const confirmation = id.startsWith(CONFIRM_PREFIX) || id.startsWith(CANCEL_PREFIX) || stop;
    if (confirmation) await interaction.deferUpdate();
    else await interaction.deferReply();
    const progress = this.progressOf(
      interaction,
      id.startsWith(RUN_PREFIX) ? id.slice(RUN_PREFIX.length) : 'the command',
    );
    const reply = await this.options.core.press(id, identity, (s) => progress.step(s));
    await progress.finish();
    if (stop && reply.status === 'ok') return;
    if (reply.live) return this.followLive(interaction, reply);
    const message = this.toOptions(this.render(reply));
    if (reply.status === 'denied' || (stop && reply.status !== 'ok')) {
      if (!confirmation) await interaction.deleteReply();
      await interaction.followUp({ ...EPHEMERAL, ...message });
      return;
    }
    await this.answer(interaction, reply, message);
  }

  /** Edits the deferred reply with the rendered reply; if Discord refuses it, says so in a short reply instead. */
  private async answer(
    interaction: ChatInputCommandInteraction | ButtonInteraction,
    reply: Reply,
    message: MessageOptions = this.toOptions(this.render(reply)),
  ): Promise<void> {
    try {
      await interaction.editReply(message);
    } catch (err) {
      const why = this.safe(err);
      this.options.logger.warn('discord refused a reply', { interaction: interaction.id, error: why });
      await interaction.editReply(this.toOptions(this.render(failedReply(`Discord refused the reply: ${why}`))));
    }
  }

  /**
   * Shows a live reply (`logs --follow`) by editing the deferred reply: the heading and Stop button, then the newest
   * lines at most once a second, then the final state without the button. Past the time Discord lets a reply be
   * edited, the live message moves to a message the bot posts in the channel (see DiscordLiveTarget).
   */
  private async followLive(interaction: ChatInputCommandInteraction | ButtonInteraction, reply: Reply): Promise<void> {
    const live = reply.live as NonNullable<Reply['live']>;
    let lines: string[] = [];
    const render = (shown: Reply, stop: boolean) =>
      this.toOptions(
        renderDiscordLive(shown, lines, stop ? live.stopButton : undefined, (id) => this.buttons.customId(id)),
      );
    const target = new DiscordLiveTarget<MessageOptions>({
      editReply: (message) => interaction.editReply(message),
      postInChannel: (message) => this.postInChannel(interaction.channelId, message),
      current: () => render(reply, true),
      movedNotice: () => this.toOptions(this.render({ ...reply, live: undefined, text: LIVE_MOVED })),
      ...(this.options.replyEditLifetimeMs === undefined ? {} : { moveAfterMs: this.options.replyEditLifetimeMs }),
      onMoveFailed: (err) => live.abandon(`${LIVE_MOVE_FAILED} (${this.safe(err)})`),
    });
    await target.show(render(reply, true)).catch((err: unknown) => this.liveEditFailed(interaction, err));
    const final = await pumpLive(live, {
      intervalMs: DISCORD_LIVE_INTERVAL_MS,
      budget: DISCORD_LIVE_BUDGET,
      cost: discordLiveCost,
      send: async (batch) => {
        lines = scrollDiscordWindow(lines, batch);
        await target.show(render(reply, true));
      },
      onSendError: (err) => this.liveEditFailed(interaction, err),
    });
    target.close();
    await target.show(render(final, false)).catch((err: unknown) => this.liveEditFailed(interaction, err));
  }

  /** Posts a message in a channel with the bot's token (a live message that outlives its interaction's reply). */
  private async postInChannel(channelId: string | null, message: MessageOptions) {
    const channel = channelId ? await this.client?.channels.fetch(channelId) : undefined;
    if (channel?.isSendable()) return channel.send(message);
    throw new Error(`channel ${channelId ?? '?'} is not one the bot can post in`);
  }

  private liveEditFailed(interaction: ChatInputCommandInteraction | ButtonInteraction, err: unknown): void {
    this.options.logger.warn('discord live edit failed', { interaction: interaction.id, error: this.safe(err) });
  }

  private progressOf(interaction: ChatInputCommandInteraction | ButtonInteraction, what: string): ProgressEdits {
    return new ProgressEdits(
      (steps) => interaction.editReply(this.toOptions(renderDiscordProgress(what, steps))),
      this.options.logger,
      undefined,
      this.options.now,
    );
  }

  private render(reply: Reply): DiscordMessage {
    return renderDiscordReply(reply, (id) => this.buttons.customId(id));
  }

  private toOptions(message: DiscordMessage): MessageOptions {
    return {
      embeds: message.embeds,
      components: message.components,
      files: message.files.map((f) => new AttachmentBuilder(Buffer.from(f.content, 'utf8'), { name: f.name })),
      allowedMentions: message.allowedMentions,
    };
  }

  /** An error's message with the bot token blanked out, whatever put it there. */
  private safe(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    const token = this.options.config.token;
    return token ? message.split(token).join('<secret>') : message;
  }
}

function notHere(): Reply {
  return invalidReply('dockwatch is not set up for this server.');
}
