import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  App,
  HTTPReceiver,
  SocketModeReceiver,
  type Receiver,
  type RespondArguments,
  type RespondFn,
  type SlashCommand,
} from '@slack/bolt';
import type { Logger } from '../../../shared/logger';
import { parseHostPort } from '../../../config/hostPort';
import type { SlackConfig } from '../../../config/botSchema';
import { RUN_PREFIX, type CommandCore } from '../../core/commandCore';
import { failedReply, invalidReply, type Reply } from '../../core/reply';
import { STOP_PREFIX } from '../../live/liveSessions';
import { pumpLive } from '../../live/livePump';
import type { ChatAdapter } from '../chatAdapter';
import { boltLogger } from './boltLogger';
import { ButtonTokens } from './buttonTokens';
import { ProgressThrottle } from './progressThrottle';
import { createSlackHttpServer } from './slackHttpServer';
import { slackIdentity } from './slackIdentity';
import { renderSlackLiveBatch, SLACK_LIVE_BUDGET, SLACK_LIVE_INTERVAL_MS, slackLiveCost } from './slackLive';
import { renderProgress, renderSlack, type SlackBlock, type SlackFile, type SlackMessage } from './slackRender';
import { escapeMrkdwn } from './slackText';
import { progressVisibility, unescapeCommandText, visibilityOf, type SlackVisibility } from './slackVisibility';
import { UserGroups } from './userGroups';

/** Where bolt's HTTP receiver takes slash commands and interactions (HTTP mode). */
export const SLACK_EVENTS_PATH = '/slack/events';

const API_TIMEOUT_MS = 10_000;
const EXPIRED_BUTTON = 'This button has expired (it is over a day old, or dockwatch restarted): run the command again.';

/** What the Slack adapter is built from. */
export type SlackAdapterDeps = { config: SlackConfig; core: CommandCore; logger: Logger };

/** The Slack adapter; `address()` is where it listens in HTTP mode once started (tests use port 0). */
export type SlackAdapter = ChatAdapter & { address(): AddressInfo | undefined };

/**
 * Builds the Slack adapter on @slack/bolt: HTTP mode (signed requests to {@link SLACK_EVENTS_PATH} on
 * `config.listen`) or Socket Mode (`config.appToken`). One slash command (`config.command`) runs the words after it
 * through the core; buttons press core buttons; alerts go to `config.alertChannel`.
 */
export function createSlackAdapter(deps: SlackAdapterDeps): SlackAdapter {
  return new SlackBot(deps);
}

type Delivery = { channelId: string | undefined; responseType: SlackVisibility; replace: boolean };

class SlackBot implements SlackAdapter {
  readonly platform = 'slack' as const;
  private readonly app: App;
  private readonly groups: UserGroups;
  private readonly tokens = new ButtonTokens();
  private server?: Server;
  private httpReceiver?: HTTPReceiver;
  private running = false;

  constructor(private readonly deps: SlackAdapterDeps) {
    const { config, logger } = deps;
    const secrets = [config.token, config.signingSecret, config.appToken].filter((s): s is string => !!s);
    const log = boltLogger(logger, secrets);
    const clientOptions = { slackApiUrl: config.apiUrl, timeout: API_TIMEOUT_MS, retryConfig: { retries: 2 } };
    let receiver: Receiver;
    if (config.socketMode) {
      if (!config.appToken) throw new Error('bot.slack.appToken is required when socketMode is true');
      receiver = new SocketModeReceiver({
        appToken: config.appToken,
        logger: log,
        installerOptions: { clientOptions },
      });
    } else {
      if (!config.signingSecret) throw new Error('bot.slack.signingSecret is required in HTTP mode');
      this.httpReceiver = new HTTPReceiver({
        signingSecret: config.signingSecret,
        endpoints: SLACK_EVENTS_PATH,
        logger: log,
      });
      receiver = this.httpReceiver;
    }
    this.app = new App({ token: config.token, receiver, logger: log, clientOptions, deferInitialization: true });
    this.groups = new UserGroups(async () => {
      const res = await this.app.client.usergroups.list({ token: config.token, include_users: true });
      return res.usergroups ?? [];
    }, logger);
    this.app.error(async (err) => {
      logger.error('slack handler failed', { error: err.message });
    });
    this.app.command(config.command, async ({ command, ack, respond }) => {
      await ack();
      await this.guard('slash command', () => this.onCommand(command, respond));
    });
    this.app.action(/.*/, async ({ ack, body, action, respond }) => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
      const actionId = action.action_id;
      await this.guard('button', () => this.onButton(actionId, body.user.id, body.channel?.id, respond));
    });
  }

  async start(): Promise<void> {
    const { config, logger } = this.deps;
    try {
      await this.app.init();
    } catch (err) {
      throw new Error(`Slack did not accept bot.slack.token (auth.test): ${(err as Error).message}`, { cause: err });
    }
    if (config.socketMode) {
      await this.app.start();
      logger.info('slack adapter connected (Socket Mode)', { command: config.command });
    } else {
      const listen = parseHostPort(config.listen);
      if (!listen) throw new Error(`bot.slack.listen ${JSON.stringify(config.listen)} is not HOST:PORT`);
      // Our own server in front of bolt's receiver (not app.start): bolt's has no body limit and Node's defaults.
      const server = createSlackHttpServer({ receiver: this.httpReceiver as HTTPReceiver, logger });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(listen.port, listen.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.server = server;
      const at = this.address();
      logger.info('slack adapter listening', { address: at ? `${at.address}:${at.port}` : config.listen });
    }
    this.running = true;
  }

  address(): AddressInfo | undefined {
    const at = this.server?.address();
    return at && typeof at === 'object' ? at : undefined;
  }

  async postAlert(reply: Reply): Promise<void> {
    const { config } = this.deps;
    const channel = config.alertChannel;
    if (!channel) return;
    const message = this.render(reply);
    const notes = await this.attach(message.files, channel);
    try {
      await this.app.client.chat.postMessage({
        token: config.token,
        channel,
        text: message.text,
        blocks: [...message.blocks, ...notes],
      });
    } catch (err) {
      throw new Error(`slack chat.postMessage to ${channel} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const server = this.server;
    this.server = undefined;
    if (!server) return void (await this.app.stop());
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    await closed;
  }

  private async onCommand(command: SlashCommand, respond: RespondFn): Promise<void> {
    const text = unescapeCommandText(command.text ?? '').trim() || 'help';
    const identity = await slackIdentity(this.groups, command.user_id, command.channel_id);
    let shown = false;
    const type = progressVisibility(text);
    const progress = new ProgressThrottle(async (step) => {
      await this.respond(respond, { ...body(renderProgress(step)), response_type: type, replace_original: shown });
      shown = true;
    });
    const reply = await this.deps.core.handle({ identity, text, onProgress: (step) => progress.push(step) });
    await progress.close();
    if (reply.live) return this.followLive(respond, reply, command.channel_id);
    await this.deliver(respond, reply, {
      channelId: command.channel_id,
      responseType: visibilityOf(reply, text),
      replace: shown,
    });
  }

  /**
   * A button: a confirmation's (confirm/cancel) replaces the message it was on when it succeeds; a `run:` button's
   * reply is a new message, so an alert keeps its buttons; a refusal answers privately and leaves the message alone.
   */
  private async onButton(
    actionId: string,
    userId: string,
    channelId: string | undefined,
    respond: RespondFn,
  ): Promise<void> {
    const resolved = this.tokens.resolve(actionId);
    if (!resolved.ok) {
      const delivery = { channelId, responseType: 'ephemeral' as const, replace: false };
      await this.deliver(respond, invalidReply(EXPIRED_BUTTON), delivery);
      return;
    }
    const id = resolved.id;
    const identity = await slackIdentity(this.groups, userId, channelId);
    if (id.startsWith(STOP_PREFIX)) {
      const reply = await this.deps.core.press(id, identity);
      if (reply.status === 'ok') return;
      await this.deliver(respond, reply, { channelId, responseType: 'ephemeral', replace: false });
      return;
    }
    if (id.startsWith(RUN_PREFIX)) {
      const reply = await this.deps.core.press(id, identity);
      if (reply.live && channelId) return this.followLive(respond, reply, channelId);
      reply.live?.abandon('Slack gave no channel to post the lines in');
      const text = id.slice(RUN_PREFIX.length);
      await this.deliver(respond, reply, { channelId, responseType: visibilityOf(reply, text), replace: false });
      return;
    }
    let shown = false;
    const progress = new ProgressThrottle(async (step) => {
      await this.respond(respond, { ...body(renderProgress(step)), replace_original: true });
      shown = true;
    });
    const reply = await this.deps.core.press(id, identity, (step) => progress.push(step));
    await progress.close();
    const replace = shown || reply.status === 'ok';
    await this.deliver(respond, reply, { channelId, responseType: replace ? 'in_channel' : 'ephemeral', replace });
  }

  /**
   * Shows a live reply (`logs --follow`): posts its heading with the Stop button in the channel, the new lines as
   * replies in that message's thread at most once a second, then updates the heading with the final state. When
   * the bot may not post there, the live tail is ended and the user told privately.
   */
  private async followLive(respond: RespondFn, reply: Reply, channel: string): Promise<void> {
    const live = reply.live as NonNullable<Reply['live']>;
    const { token } = this.deps.config;
    const heading = this.render({ ...reply, live: undefined, buttons: live.stopButton ? [live.stopButton] : [] });
    let ts: string | undefined;
    try {
      ts = (await this.app.client.chat.postMessage({ token, channel, text: heading.text, blocks: heading.blocks })).ts;
    } catch (err) {
      const why = `dockwatch cannot post in this channel (${(err as Error).message}); invite it to follow logs here`;
      live.abandon(why);
      await this.deliver(respond, failedReply(why), { channelId: channel, responseType: 'ephemeral', replace: false });
      return;
    }
    const final = await pumpLive(live, {
      intervalMs: SLACK_LIVE_INTERVAL_MS,
      budget: SLACK_LIVE_BUDGET,
      cost: slackLiveCost,
      send: async (batch) => {
        await this.app.client.chat.postMessage({ token, channel, thread_ts: ts, ...renderSlackLiveBatch(batch) });
      },
      onSendError: (err) => this.deps.logger.warn('slack live post failed', { channel, error: (err as Error).message }),
    });
    const done = this.render(final);
    try {
      await this.app.client.chat.update({ token, channel, ts: ts as string, text: done.text, blocks: done.blocks });
    } catch (err) {
      this.deps.logger.warn('slack live update failed', { channel, error: (err as Error).message });
    }
  }

  private async deliver(respond: RespondFn, reply: Reply, delivery: Delivery): Promise<void> {
    const message = this.render(reply, delivery.responseType === 'ephemeral' ? 'cut' : 'attach');
    const notes = await this.attach(message.files, delivery.channelId);
    await this.respond(respond, {
      text: message.text,
      blocks: [...message.blocks, ...notes],
      response_type: delivery.responseType,
      replace_original: delivery.replace,
    });
  }

  private render(reply: Reply, longContent: 'attach' | 'cut' = 'attach'): SlackMessage {
    return renderSlack(reply, { actionId: (id) => this.tokens.actionId(id), longContent });
  }

  /** Uploads files to the channel (the Web API's external upload flow); blocks saying which could not be. */
  private async attach(files: readonly SlackFile[], channelId: string | undefined): Promise<SlackBlock[]> {
    const failed: string[] = [];
    for (const file of files) {
      if (!channelId) {
        failed.push(`${file.name}: no channel to upload it to`);
        continue;
      }
      try {
        await this.app.client.filesUploadV2({
          token: this.deps.config.token,
          channel_id: channelId,
          content: file.content,
          filename: file.name,
          title: file.name,
        });
      } catch (err) {
        const error = (err as Error).message;
        this.deps.logger.warn('slack file upload failed', { file: file.name, channel: channelId, error });
        failed.push(`${file.name}: ${error}`);
      }
    }
    if (failed.length === 0) return [];
    const text = `:warning: Could not attach ${failed.map((f) => escapeMrkdwn(f)).join('; ')}`;
    return [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }];
  }

  private async respond(respond: RespondFn, message: RespondArguments): Promise<void> {
    try {
      await respond(message);
    } catch (err) {
      this.deps.logger.warn('slack respond failed', { error: (err as Error).message });
    }
  }

  private async guard(what: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      this.deps.logger.error(`slack ${what} failed`, { error: (err as Error).message });
    }
  }
}

function body(message: SlackMessage): { text: string; blocks: SlackBlock[] } {
  return { text: message.text, blocks: message.blocks };
}
