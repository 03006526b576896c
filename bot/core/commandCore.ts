import type { ContainerRecord } from '../../agent/inventory/containerRecord';
import type { Logger } from '../../agent/logger';
import type { SelectableContainer } from '../../config/containerSelector';
import { AgentError, type AgentClient } from '../agentClient';
import type { AuditEvent, AuditLog } from './audit';
import type { BotCommand } from './command';
import type { CommandName } from './commandNames';
import { parseCommand, shownDuration } from './commandParser';
import type { ParsedCommand } from './commandSpec';
import { Confirmations, type PendingConfirmation } from './confirmations';
import { describeIdentity, type Identity } from './identity';
import { RateLimiter } from './rateLimit';
import { authorize, type RbacDecision, type RbacPolicy } from './rbac';
import { deniedReply, failedReply, invalidReply, type Reply } from './reply';
import { resolveContainer } from './resolveContainer';

/** What the core is built from. */
export type CommandCoreOptions = {
  agent: AgentClient;
  policy: RbacPolicy;
  commands: readonly BotCommand[];
  audit: AuditLog;
  confirmTimeoutMs: number;
  commandTimeoutMs: number;
  rateLimit: { commands: number; perMs: number };
  logger: Logger;
  now?: () => number;
};

/** One command from a user: text as typed (or words already split), and `confirmed` for the console's `--yes`. */
export type CommandRequest = { identity: Identity; text: string | readonly string[]; confirmed?: boolean };

/** Button ids the core hands out and understands back. */
export const CONFIRM_PREFIX = 'confirm:';
/** See {@link CONFIRM_PREFIX}. */
export const CANCEL_PREFIX = 'cancel:';

type Authorized = { ok: true; container?: ContainerRecord; decision: RbacDecision } | { ok: false; reply: Reply };

const MAX_ERROR = 500;

/**
 * The platform-neutral command core: rate limit → parse → authorize → resolve the container → authorize on it →
 * confirm if destructive → run under a timeout → a neutral reply. Every step is audited. Adapters call `handle`
 * for a command and `press` for a button; both re-authorize on the server side when they run.
 */
export class CommandCore {
  private readonly confirmations: Confirmations;
  private readonly limiter: RateLimiter;
  private readonly now: () => number;
  private policy: RbacPolicy;

  constructor(private readonly options: CommandCoreOptions) {
    this.now = options.now ?? Date.now;
    this.policy = options.policy;
    this.confirmations = new Confirmations(options.confirmTimeoutMs, this.now);
    this.limiter = new RateLimiter(options.rateLimit.commands, options.rateLimit.perMs, this.now);
  }

  /** Replaces the roles and members (a config reload); pending confirmations are authorized against the new ones. */
  setPolicy(policy: RbacPolicy): void {
    this.policy = policy;
  }

  /** Runs one command for one user and returns the reply; never throws. */
  async handle(request: CommandRequest): Promise<Reply> {
    const { identity } = request;
    const text = typeof request.text === 'string' ? request.text : request.text.join(' ');
    const note = (event: AuditEvent, detail: string, container?: string) =>
      this.note(identity, text, event, detail, container);
    const rate = this.limiter.take(describeIdentity(identity));
    if (!rate.allowed) {
      const wait = shownDuration(Math.max(1000, Math.ceil(rate.retryAfterMs / 1000) * 1000));
      const { commands, perMs } = this.options.rateLimit;
      note('rate-limited', `more than ${commands} commands in ${shownDuration(perMs)}`);
      return deniedReply(`Too many commands: at most ${commands} per ${shownDuration(perMs)}. Try again in ${wait}.`);
    }
    const parsed = parseCommand(request.text, this.options.commands);
    if (!parsed.ok) {
      note('invalid', parsed.error);
      return invalidReply(parsed.error);
    }
    const auth = await this.authorizeCommand(identity, parsed.command, text);
    if (!auth.ok) return auth.reply;
    const spec = this.spec(parsed.command.name);
    if (spec.destructive && !request.confirmed) {
      const pending = this.confirmations.request(identity, parsed.command, text);
      note('confirmation-requested', `confirmation ${pending.id}`, auth.container?.name);
      return confirmReply(pending, auth.container, identity, this.now());
    }
    return this.run(identity, text, parsed.command, auth);
  }

  /** A button press: `confirm:<id>` or `cancel:<id>`, authorized again for whoever pressed it. */
  async press(buttonId: string, identity: Identity): Promise<Reply> {
    if (buttonId.startsWith(CONFIRM_PREFIX)) return this.confirm(buttonId.slice(CONFIRM_PREFIX.length), identity);
    if (buttonId.startsWith(CANCEL_PREFIX)) return this.cancel(buttonId.slice(CANCEL_PREFIX.length), identity);
    this.note(identity, `button ${buttonId}`, 'invalid', 'unknown button');
    return invalidReply('This button is not known (any more).');
  }

  /** Confirms a pending command: only its requester may, before it expires, and only if still allowed. */
  async confirm(id: string, identity: Identity): Promise<Reply> {
    const outcome = this.confirmations.take(id, identity);
    if (!outcome.ok) return this.refuseConfirmation(id, identity, outcome.reason, outcome.pending);
    const { pending } = outcome;
    const auth = await this.authorizeCommand(identity, pending.command, pending.text);
    if (!auth.ok) return auth.reply;
    this.note(identity, pending.text, 'confirmed', `confirmation ${id}`, auth.container?.name);
    return this.run(identity, pending.text, pending.command, auth);
  }

  /** Cancels a pending command (its requester only). */
  cancel(id: string, identity: Identity): Reply {
    const outcome = this.confirmations.take(id, identity);
    if (!outcome.ok) return this.refuseConfirmation(id, identity, outcome.reason, outcome.pending);
    this.note(identity, outcome.pending.text, 'confirmation-refused', `cancelled ${id}`);
    return { status: 'ok', text: `Cancelled: ${outcome.pending.text}` };
  }

  private refuseConfirmation(
    id: string,
    identity: Identity,
    reason: 'unknown' | 'expired' | 'not-yours',
    pending?: PendingConfirmation,
  ): Reply {
    const text = pending?.text ?? `confirmation ${id}`;
    const why = {
      unknown: 'this confirmation is unknown or was already used',
      expired: `this confirmation expired after ${shownDuration(this.options.confirmTimeoutMs)}`,
      'not-yours': `only ${pending ? describeIdentity(pending.identity) : 'its requester'} may confirm this`,
    }[reason];
    this.note(identity, text, 'confirmation-refused', why);
    return deniedReply(`${why[0]?.toUpperCase()}${why.slice(1)}.`);
  }

  private async authorizeCommand(identity: Identity, command: ParsedCommand, text: string): Promise<Authorized> {
    const { policy } = this;
    const general = authorize(policy, identity, command.name);
    if (!general.allowed) {
      this.note(identity, text, 'denied', general.reason);
      return { ok: false, reply: deniedReply(general.reason) };
    }
    const spec = this.spec(command.name);
    const word = spec.containerArg ? command.args[spec.containerArg] : undefined;
    if (word === undefined) {
      this.note(identity, text, 'allowed', general.reason);
      return { ok: true, decision: general };
    }
    let records: ContainerRecord[];
    try {
      records = await this.options.agent.containers();
    } catch (err) {
      const message = errorText(err);
      this.note(identity, text, 'failed', message);
      return { ok: false, reply: failedReply(message) };
    }
    const may = (r: SelectableContainer) => authorize(policy, identity, command.name, r).allowed;
    const found = resolveContainer(word, records, may);
    if (!found.ok) {
      this.note(identity, text, 'invalid', found.error);
      return { ok: false, reply: invalidReply(found.error) };
    }
    const decision = authorize(policy, identity, command.name, found.record);
    this.note(identity, text, decision.allowed ? 'allowed' : 'denied', decision.reason, found.record.name);
    if (!decision.allowed) return { ok: false, reply: deniedReply(decision.reason) };
    return { ok: true, container: found.record, decision };
  }

  private async run(
    identity: Identity,
    text: string,
    command: ParsedCommand,
    auth: Extract<Authorized, { ok: true }>,
  ): Promise<Reply> {
    const controller = new AbortController();
    const timeoutMs = this.options.commandTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error(`timed out after ${shownDuration(timeoutMs)}`));
        resolve('timeout');
      }, timeoutMs);
    });
    const container = auth.container?.name;
    try {
      const result = await Promise.race([
        this.spec(command.name).run({
          agent: this.options.agent,
          identity,
          command,
          container: auth.container,
          seeSecrets: auth.decision.seeSecrets,
          may: (name: CommandName, c?: SelectableContainer) => authorize(this.policy, identity, name, c).allowed,
          specs: this.options.commands,
          audit: this.options.audit,
          signal: controller.signal,
          now: this.now,
        }),
        timedOut,
      ]);
      if (result === 'timeout') {
        const message = `${command.name} did not finish within ${shownDuration(timeoutMs)}; it was abandoned`;
        this.note(identity, text, 'timed-out', message, container);
        return failedReply(message);
      }
      const event = result.status === 'failed' ? 'failed' : 'succeeded';
      this.note(
        identity,
        text,
        event,
        result.status === 'ok' ? (result.title ?? 'ok') : (result.text ?? ''),
        container,
      );
      return result;
    } catch (err) {
      const message = errorText(err);
      if (!(err instanceof AgentError)) {
        this.options.logger.warn('bot command failed', { command: command.name, container, error: message });
      }
      this.note(identity, text, 'failed', message, container);
      return failedReply(message);
    } finally {
      clearTimeout(timer);
    }
  }

  private spec(name: CommandName): BotCommand {
    const spec = this.options.commands.find((c) => c.name === name);
    if (!spec) throw new Error(`no command ${name} is wired`);
    return spec;
  }

  private note(identity: Identity, command: string, event: AuditEvent, detail: string, container?: string): void {
    try {
      this.options.audit.record({
        platform: identity.platform,
        userId: identity.userId,
        ...(identity.channelId === undefined ? {} : { channelId: identity.channelId }),
        command,
        ...(container === undefined ? {} : { container }),
        event,
        detail,
      });
    } catch (err) {
      this.options.logger.error('bot audit could not be stored', { error: (err as Error).message, command, event });
    }
  }
}

function confirmReply(
  pending: PendingConfirmation,
  container: ContainerRecord | undefined,
  identity: Identity,
  now: number,
): Reply {
  const what = `${pending.command.name}${container ? ` ${container.name}` : ''}`;
  if (identity.platform === 'console') {
    return {
      status: 'confirm',
      title: 'Confirmation needed',
      text: `${what} needs a confirmation: run it again with --yes.`,
    };
  }
  return {
    status: 'confirm',
    title: 'Confirmation needed',
    text: `Really ${what}? Only ${describeIdentity(identity)} can confirm; this expires in ${shownDuration(Math.max(0, pending.expiresAt - now))}.`,
    buttons: [
      { id: `${CONFIRM_PREFIX}${pending.id}`, label: `Yes, ${pending.command.name}`, style: 'danger' },
      { id: `${CANCEL_PREFIX}${pending.id}`, label: 'Cancel', style: 'secondary' },
    ],
  };
}

function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > MAX_ERROR ? `${message.slice(0, MAX_ERROR)}…` : message;
}
