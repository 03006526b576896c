import type { ContainerRecord } from '../../agent/inventory/containerRecord';
import type { Logger } from '../../shared/logger';
import type { SelectableContainer } from '../../config/containerSelector';
import { AgentError, type AgentClient } from '../agentClient';
import type { Fleet } from '../fleet';
import type { AuditEvent, AuditLog } from './audit';
import type { BotCommand } from './command';
import type { CommandName } from '../../config/commandNames';
import { parseCommand, shown, shownDuration } from './commandParser';
import type { CommandSpec, ParsedCommand } from './commandSpec';
import { Confirmations, type PendingConfirmation } from './confirmations';
import { describeIdentity, type Identity } from './identity';
import { RateLimiter } from './rateLimit';
import { authorize, type RbacDecision, type RbacPolicy } from './rbac';
import { deniedReply, failedReply, invalidReply, type Reply } from './reply';
import {
  acrossHosts,
  answered,
  hostsDeadlineMargin,
  hostsInScope,
  unansweredNote,
  type HostedContainer,
} from './hostScope';
import { formatRemaining } from './humanUnits';
import { compareNatural } from './naturalOrder';
import { resolveContainer } from './resolveContainer';
import { isRemoved, removedCandidates, removedSubject, type RemovedCandidate } from './removedTarget';
import type { RemovedTarget } from './command';
import { LiveFeed } from '../live/liveFeed';
import { LiveSessions, STOP_PREFIX } from '../live/liveSessions';

/** What the core is built from. */
export type CommandCoreOptions = {
  fleet: Fleet;
  policy: RbacPolicy;
  commands: readonly BotCommand[];
  audit: AuditLog;
  confirmTimeoutMs: number;
  commandTimeoutMs: number;
  /** The deadline of action commands (longer: a rollback waits for health up to `revisions.rollbackTimeout`). */
  actionTimeoutMs: number;
  /** `bot.execTimeout` (default 30 s). */
  execTimeoutMs?: number;
  rateLimit: { commands: number; perMs: number };
  logger: Logger;
  now?: () => number;
};

/**
 * One command from a user: text as typed (or words already split), `confirmed` for the console's `--yes`, and
 * `onProgress` for steps of a slow command (a rollback) that the adapter may show while it runs.
 */
export type CommandRequest = {
  identity: Identity;
  text: string | readonly string[];
  confirmed?: boolean;
  onProgress?: (step: string) => void;
};

/** What an adapter may autocomplete: container names (across hosts) or host names. */
export type CompletionKind = 'container' | 'host';

/** Button ids the core hands out and understands back. */
export const CONFIRM_PREFIX = 'confirm:';
/** See {@link CONFIRM_PREFIX}. */
export const CANCEL_PREFIX = 'cancel:';
/** A button that runs a command as whoever presses it (`run:restart web --host a`), e.g. on alert messages. */
export const RUN_PREFIX = 'run:';

const MAX_COMPLETIONS = 25;

type Target = { container: ContainerRecord; host: string; agent: AgentClient };

type Authorized =
  | { ok: true; target?: Target; removed?: RemovedTarget; hosts: string[]; decision: RbacDecision }
  | { ok: false; reply: Reply };

const MAX_ERROR = 500;
const DEFAULT_EXEC_TIMEOUT_MS = 30_000;

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
  private readonly lives: LiveSessions;

  constructor(private readonly options: CommandCoreOptions) {
    this.now = options.now ?? Date.now;
    this.policy = options.policy;
    this.confirmations = new Confirmations(options.confirmTimeoutMs, this.now);
    this.limiter = new RateLimiter(options.rateLimit.commands, options.rateLimit.perMs, this.now);
    this.lives = new LiveSessions((identity, text, event, detail) => this.note(identity, text, event, detail));
  }

  /** Stops every live tail (`logs --follow`): the bot is shutting down. */
  stopLive(): void {
    this.lives.stopAll();
  }

  /**
   * Replaces the roles and members (a config reload); pending confirmations are authorized against the new ones, and
   * a live tail its requester may no longer run is stopped.
   */
  setPolicy(policy: RbacPolicy): void {
    this.policy = policy;
    this.lives.recheck();
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
      note('confirmation-requested', `confirmation ${pending.id}`, this.shownOf(auth));
      return confirmReply(pending, auth.target ?? auth.removed, this.manyHosts(), identity, this.now());
    }
    return this.run(identity, text, parsed.command, auth, request.onProgress);
  }

  /**
   * Autocompletion for an adapter: container names (on any host, only those `identity` may run `command` on) or host
   * names, starting with `prefix`, at most 25. Values chosen from it are validated again when the command runs.
   */
  async complete(identity: Identity, command: CommandName, kind: CompletionKind, prefix: string): Promise<string[]> {
    if (!authorize(this.policy, identity, command).allowed) return [];
    const wanted = prefix.trim().toLowerCase();
    const { fleet } = this.options;
    if (kind === 'host') {
      return fleet
        .hostNames()
        .filter((h) => h.toLowerCase().startsWith(wanted))
        .slice(0, MAX_COMPLETIONS);
    }
    const lists = answered(await acrossHosts(fleet, fleet.hostNames(), (agent) => agent.containers()));
    const names = lists
      .flatMap((l) => l.value)
      .filter((r) => r.name.toLowerCase().startsWith(wanted) && authorize(this.policy, identity, command, r).allowed)
      .map((r) => r.name);
    return [...new Set(names)].sort(compareNatural).slice(0, MAX_COMPLETIONS);
  }

  /** The commands' grammar (adapters register slash commands and options from it). */
  specs(): readonly CommandSpec[] {
    return this.options.commands;
  }

  /**
   * A button press: `confirm:<id>`, `cancel:<id>`, `stop:<id>` (a live tail's, its requester only) or `run:<command>`,
   * authorized again for whoever pressed it (a `run:` button is exactly as if the presser had typed the command).
   */
  async press(buttonId: string, identity: Identity, onProgress?: (step: string) => void): Promise<Reply> {
    const progress = onProgress ? { onProgress } : {};
    if (buttonId.startsWith(CONFIRM_PREFIX)) {
      return this.confirm(buttonId.slice(CONFIRM_PREFIX.length), identity, onProgress);
    }
    if (buttonId.startsWith(CANCEL_PREFIX)) return this.cancel(buttonId.slice(CANCEL_PREFIX.length), identity);
    if (buttonId.startsWith(STOP_PREFIX)) return this.lives.stop(buttonId.slice(STOP_PREFIX.length), identity);
    if (buttonId.startsWith(RUN_PREFIX)) {
      return this.handle({ identity, text: buttonId.slice(RUN_PREFIX.length), ...progress });
    }
    this.note(identity, `button ${buttonId}`, 'invalid', 'unknown button');
    return invalidReply('This button is not known (any more).');
  }

  /** Confirms a pending command: only its requester may, before it expires, and only if still allowed. */
  async confirm(id: string, identity: Identity, onProgress?: (step: string) => void): Promise<Reply> {
    const outcome = this.confirmations.take(id, identity);
    if (!outcome.ok) return this.refuseConfirmation(id, identity, outcome.reason, outcome.pending);
    const { pending } = outcome;
    const auth = await this.authorizeCommand(identity, pending.command, pending.text);
    if (!auth.ok) return auth.reply;
    this.note(identity, pending.text, 'confirmed', `confirmation ${id}`, this.shownOf(auth));
    return this.run(identity, pending.text, pending.command, auth, onProgress);
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
    const scope = hostsInScope(this.options.fleet, command.flags.host);
    if (!scope.ok) {
      this.note(identity, text, 'invalid', scope.error);
      return { ok: false, reply: invalidReply(scope.error) };
    }
    const spec = this.spec(command.name);
    const word = spec.containerArg ? command.args[spec.containerArg] : undefined;
    if (word === undefined) {
      const refused = spec.refuse?.(command, general);
      this.note(identity, text, refused ? 'denied' : 'allowed', refused ?? general.reason);
      if (refused) return { ok: false, reply: deniedReply(refused) };
      return { ok: true, hosts: scope.hosts, decision: general };
    }
    const found = await this.findContainer(identity, command.name, word, scope.hosts);
    if (!found.ok) {
      this.note(identity, text, found.event, found.error);
      return { ok: false, reply: found.event === 'failed' ? failedReply(found.error) : invalidReply(found.error) };
    }
    if ('removed' in found) return this.authorizeRemoved(identity, command, text, found.removed);
    const decision = authorize(policy, identity, command.name, found.target.container);
    const refused = decision.allowed ? spec.refuse?.(command, decision, found.target.container) : undefined;
    const reason = refused ?? decision.reason;
    const allowed = decision.allowed && refused === undefined;
    this.note(identity, text, allowed ? 'allowed' : 'denied', reason, this.shownTarget(found.target));
    if (!allowed) return { ok: false, reply: deniedReply(reason) };
    return { ok: true, target: found.target, hosts: [found.target.host], decision };
  }

  /**
   * Authorizes a command on a removed name: against the name and the labels recorded in the spec of the revision it
   * acts on (deny by default, as for containers).
   */
  private authorizeRemoved(
    identity: Identity,
    command: ParsedCommand,
    text: string,
    found: RemovedCandidate,
  ): Authorized {
    const shownName = this.manyHosts() ? `${found.host}/${found.name}` : found.name;
    const subject = removedSubject(this.spec(command.name), command, found.removed);
    if (!subject.ok) {
      this.note(identity, text, 'invalid', subject.error, shownName);
      return { ok: false, reply: invalidReply(subject.error) };
    }
    const decision = authorize(this.policy, identity, command.name, subject.container);
    this.note(identity, text, decision.allowed ? 'allowed' : 'denied', decision.reason, shownName);
    if (!decision.allowed) return { ok: false, reply: deniedReply(decision.reason) };
    const agent = this.options.fleet.agent(found.host);
    if (!agent) return { ok: false, reply: failedReply(`host ${found.host} is not reachable any more`) };
    const removed = { name: found.name, host: found.host, agent, removed: found.removed, revision: subject.revision };
    return { ok: true, removed, hosts: [found.host], decision };
  }

  /**
   * Resolves a user's word to one container on the hosts in scope: a name on several hosts needs `--host`. While a
   * host in scope does not answer (agent down, engine unreachable) only an exact name or full ID found elsewhere
   * resolves; anything else fails naming that host, since the container may be there. A command with
   * `removedRevision` also resolves the removed names (kept revisions, no container) of the hosts that answered.
   */
  private async findContainer(
    identity: Identity,
    command: CommandName,
    word: string,
    hosts: readonly string[],
  ): Promise<
    | { ok: true; target: Target }
    | { ok: true; removed: RemovedCandidate }
    | { ok: false; event: 'invalid' | 'failed'; error: string }
  > {
    const { fleet } = this.options;
    const results = await acrossHosts(fleet, hosts, (agent) => agent.containers());
    const lists = answered(results);
    const missing = unansweredNote(results);
    if (lists.length === 0) return { ok: false, event: 'failed', error: missing || 'no host is reachable' };
    const takesRemoved = this.spec(command).removedRevision !== undefined;
    const records: (HostedContainer | RemovedCandidate)[] = lists.flatMap(({ host, value }) =>
      value.map((r) => ({ ...r, host })),
    );
    const answering = lists.map((l) => l.host);
    if (takesRemoved) records.push(...(await removedCandidates(fleet, answering)));
    const name = word.replace(/^\//, '');
    const sameName = records.filter((r) => r.name === name);
    if (sameName.length > 1) {
      const on = sameName.map((r) => r.host).join(', ');
      return { ok: false, event: 'invalid', error: `${shown(name)} is on several hosts (${on}): add --host HOST` };
    }
    const may = (r: SelectableContainer) => authorize(this.policy, identity, command, r).allowed;
    const unknown = takesRemoved ? 'no container or recorded revisions named' : undefined;
    const found = resolveContainer(word, records, may, unknown);
    if (missing && !(found.ok && (found.record.name === name || found.record.id === name))) {
      const guess = found.ok ? ` (it could mean ${found.record.name} on ${found.record.host})` : '';
      const error =
        `${shown(name)} is not a container name on the hosts that answered${guess}, and not every host ` +
        `answered, so it may be on one that did not: ${missing}`;
      return { ok: false, event: 'failed', error };
    }
    if (!found.ok) return { ok: false, event: 'invalid', error: found.error };
    if (isRemoved(found.record)) return { ok: true, removed: found.record };
    const { host, ...container } = found.record;
    const agent = fleet.agent(host);
    if (!agent) return { ok: false, event: 'failed', error: `host ${host} is not reachable any more` };
    return { ok: true, target: { container, host, agent } };
  }

  private manyHosts(): boolean {
    return this.options.fleet.hostNames().length > 1;
  }

  /** How the audit names what a command acts on: its container or removed name. */
  private shownOf(auth: Extract<Authorized, { ok: true }>): string | undefined {
    if (auth.target || !auth.removed) return this.shownTarget(auth.target);
    return this.manyHosts() ? `${auth.removed.host}/${auth.removed.name}` : auth.removed.name;
  }

  /** How the audit names a target: the container, prefixed by its host when there are several. */
  private shownTarget(target: Target | undefined): string | undefined {
    if (!target) return undefined;
    return this.manyHosts() ? `${target.host}/${target.container.name}` : target.container.name;
  }

  private async run(
    identity: Identity,
    text: string,
    command: ParsedCommand,
    auth: Extract<Authorized, { ok: true }>,
    onProgress?: (step: string) => void,
  ): Promise<Reply> {
    const controller = new AbortController();
    const spec = this.spec(command.name);
    const timeoutMs = spec.action
      ? Math.max(this.options.actionTimeoutMs, this.options.commandTimeoutMs)
      : this.options.commandTimeoutMs;
    const hostsDeadlineAt = Date.now() + timeoutMs - hostsDeadlineMargin(timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error(`timed out after ${shownDuration(timeoutMs)}`));
        resolve('timeout');
      }, timeoutMs);
    });
    const container = this.shownOf(auth);
    const { fleet } = this.options;
    try {
      const result = await Promise.race([
        this.spec(command.name).run({
          fleet,
          hosts: auth.hosts,
          manyHosts: this.manyHosts(),
          across: (fn) => acrossHosts(fleet, auth.hosts, fn, hostsDeadlineAt),
          identity,
          command,
          ...(auth.target ? { target: auth.target } : {}),
          ...(auth.removed ? { removed: auth.removed } : {}),
          ...(onProgress ? { onProgress } : {}),
          seeSecrets: auth.decision.seeSecrets,
          mayForce: auth.decision.force,
          execPatterns: auth.decision.execPatterns,
          execTimeoutMs: this.options.execTimeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
          may: (name: CommandName, c?: SelectableContainer) => authorize(this.policy, identity, name, c).allowed,
          specs: this.options.commands,
          audit: this.options.audit,
          signal: controller.signal,
          now: this.now,
        }),
        timedOut,
      ]);
      if (result === 'timeout') {
        const within = `${command.name} did not finish within ${shownDuration(timeoutMs)}`;
        const message = spec.action
          ? `${within}; the agent may still complete it (check with ps or history)`
          : `${within}; it was abandoned`;
        this.note(identity, text, 'timed-out', message, container);
        return failedReply(message);
      }
      if (result.live instanceof LiveFeed) {
        const target = auth.target?.container;
        const may = () => authorize(this.policy, identity, command.name, target).allowed;
        const started = this.lives.start(identity, text, result.live, may);
        if (!started.ok) return started.reply;
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
  target: Target | RemovedTarget | undefined,
  manyHosts: boolean,
  identity: Identity,
  now: number,
): Reply {
  const words = Object.values(pending.command.args).map((a) => ` ${a}`);
  const targetName = target && ('container' in target ? target.container.name : `${target.name} (removed)`);
  const on = target ? ` ${targetName}${manyHosts ? ` on ${target.host}` : ''}` : words.join('');
  const what = `${pending.command.name}${on}`;
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
    text: `Really ${what}? Only ${describeIdentity(identity)} can confirm; this expires in ${formatRemaining(pending.expiresAt - now)}.`,
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
