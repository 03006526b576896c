import type { CommandContext } from '../core/command';
import { shownDuration } from '../core/commandParser';
import { invalidReply, type Reply } from '../core/reply';
import { LiveFeed } from '../live/liveFeed';

/** `--follow` without a duration follows this long. */
export const DEFAULT_FOLLOW_MS = 5 * 60_000;
/** The longest a follow may run. */
export const MAX_FOLLOW_MS = 30 * 60_000;
/** Lines shown before the new ones when `--tail` is not given, for context. */
export const FOLLOW_CONTEXT_LINES = 10;

const FOLLOWABLE = new Set(['running', 'paused', 'restarting']);

/**
 * `logs <container> --follow [DURATION]`: a reply whose live part follows the container's lines (the last `--tail`
 * lines, default 10, or those since `--since`, then new ones matching `--grep`) until the container stops, the
 * duration ends or the requester presses Stop. The stream is opened by the core once it accepted the follow, and runs
 * on its own deadline, not the command timeout.
 */
export function followLogsReply(ctx: CommandContext, durationMs: number): Reply {
  const { container, agent, host } = ctx.target ?? {};
  if (!container || !agent) throw new Error('logs --follow runs on a resolved container');
  if (durationMs > MAX_FOLLOW_MS) {
    return invalidReply(`--follow: at most ${shownDuration(MAX_FOLLOW_MS)}, not ${shownDuration(durationMs)}`);
  }
  if (!FOLLOWABLE.has(container.state)) {
    return invalidReply(
      `${container.name} is not running (${container.state}), so no new lines will come: use logs without --follow`,
    );
  }
  const { tail, since, grep } = ctx.command.flags;
  const query = {
    ...(typeof since === 'number' ? { sinceMs: ctx.now() - since } : {}),
    ...(typeof tail === 'number' ? { tail } : typeof since === 'number' ? {} : { tail: FOLLOW_CONTEXT_LINES }),
    ...(grep instanceof RegExp ? { grep } : {}),
  };
  const what = ctx.manyHosts ? `${container.name} on ${host}` : container.name;
  const live = new LiveFeed({
    title: `Logs of ${what}`,
    what,
    durationMs,
    open: (signal) => agent.followLogs(container.id, { ...query, signal }),
    now: ctx.now,
  });
  const end = ctx.identity.platform === 'console' ? 'Ctrl-C ends it sooner' : 'Stop ends it sooner';
  return {
    status: 'ok',
    title: `Logs of ${what}`,
    text: `Following for up to ${shownDuration(durationMs)}, until the container stops; ${end}.`,
    live,
  };
}
