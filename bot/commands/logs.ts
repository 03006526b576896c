import { targetOf, type BotCommand } from '../core/command';
import { formatTime } from '../core/humanUnits';
import { DEFAULT_FOLLOW_MS, followLogsReply } from './logsFollow';

/** Above this many characters the lines go out as an attachment (chat platforms cap messages near 2000). */
export const INLINE_LOG_CHARS = 1800;

/**
 * `logs <container> [--tail N] [--since DURATION] [--grep RE] [--follow [DURATION]]`: the last lines of a container,
 * through the engine, or with `--follow` a live tail (bot/commands/logsFollow.ts).
 */
export const logsCommand: BotCommand = {
  name: 'logs',
  summary: 'show the last lines of a container (default 100), or follow them live with --follow',
  usage: 'logs <container> [--tail N] [--since DURATION] [--grep RE] [--follow [DURATION]]',
  args: [{ name: 'container', required: true }],
  containerArg: 'container',
  flags: {
    tail: { kind: 'integer', min: 1, max: 10000 },
    since: { kind: 'duration' },
    grep: { kind: 'regex' },
    follow: { kind: 'duration', bare: DEFAULT_FOLLOW_MS },
  },
  async run(ctx) {
    const { container, agent } = targetOf(ctx);
    const { tail, since, grep, follow } = ctx.command.flags;
    if (typeof follow === 'number') return followLogsReply(ctx, follow);
    const lines = await agent.logs(container.id, {
      tail: typeof tail === 'number' ? tail : 100,
      ...(typeof since === 'number' ? { sinceMs: ctx.now() - since } : {}),
      ...(grep instanceof RegExp ? { grep } : {}),
      signal: ctx.signal,
    });
    const title = `Logs of ${container.name}`;
    if (lines.length === 0) return { status: 'ok', title, text: 'No log lines.' };
    const text = lines.map((l) => l.text).join('\n');
    const summary = `${lines.length} line${lines.length === 1 ? '' : 's'}`;
    if (text.length <= INLINE_LOG_CHARS) return { status: 'ok', title, text: summary, code: { text } };
    const stamp = formatTime(ctx.now()).replace(/[ :]/g, '-');
    return {
      status: 'ok',
      title,
      text: `${summary}, attached`,
      attachments: [{ name: `${container.name}-${stamp}.log`, content: `${text}\n` }],
    };
  },
};
