import { targetOf, type BotCommand } from '../core/command';
import type { ParsedCommand } from '../core/commandSpec';
import { allowingPattern, argvProblem } from '../../config/execPatterns';
import { formatTime } from '../core/humanUnits';
import { describeIdentity } from '../core/identity';
import type { Reply } from '../core/reply';
import { quoteWords } from '../../shared/tokenize';
import type { ExecOutcome } from '../maintenanceTypes';
import { INLINE_LOG_CHARS } from './logs';

/**
 * The `refuse` of `exec`: the argv (the words after `--`) must be a plain command that one of the allowing roles'
 * patterns matches; otherwise the refusal lists the patterns the user may run.
 */
export function refuseExec(command: ParsedCommand, grant: { execPatterns: readonly string[] }): string | undefined {
  const argv = command.rest ?? [];
  const problem = argvProblem(argv);
  if (problem) return `exec: ${problem}`;
  if (allowingPattern(grant.execPatterns, argv)) return undefined;
  const may = grant.execPatterns.map((p) => `\`${p}\``).join(', ');
  return `exec of ${JSON.stringify(argv)} matches none of your exec patterns; you may run: ${may}`;
}

/** `exec <container> -- <command> [args…]`: runs an allowed argv in a container (no shell, no TTY, no stdin). */
export const execCommand: BotCommand = {
  name: 'exec',
  summary: 'run a command your role allows in a container (no shell, no TTY); killed after bot.execTimeout',
  usage: 'exec <container> -- <command> [args…]',
  args: [{ name: 'container', required: true }],
  rest: { name: 'command', required: true },
  containerArg: 'container',
  flags: {},
  action: true,
  refuse: refuseExec,
  async run(ctx) {
    const { container, agent } = targetOf(ctx);
    const argv = ctx.command.rest ?? [];
    const outcome = await agent.exec(container.id, argv, {
      by: describeIdentity(ctx.identity),
      signal: ctx.signal,
      timeoutMs: ctx.execTimeoutMs,
    });
    return execReply(container.name, outcome, ctx.execTimeoutMs, ctx.now());
  },
};

/** The reply of an exec: the argv (as JSON, so the audit has its exact words), how it ended, its output. */
export function execReply(container: string, outcome: ExecOutcome, timeoutMs: number, now: number): Reply {
  const code = outcome.exitCode === undefined ? 'exit code unknown' : `exit code ${outcome.exitCode}`;
  const ended = outcome.timedOut
    ? `killed after ${Math.round(timeoutMs / 1000)}s (bot.execTimeout): ${outcome.kill?.how ?? 'no kill'}; ${code}`
    : code;
  const title = `exec ${JSON.stringify(outcome.argv)} in ${container}: ${outcome.timedOut ? 'killed' : code}`;
  const kept = Buffer.byteLength(outcome.output);
  const cut = outcome.truncated ? ` (the first ${kept} of ${outcome.outputBytes} bytes)` : '';
  const lines = [`\`${quoteWords(outcome.argv)}\` in ${container}: ${ended}.`];
  const status = outcome.timedOut && outcome.kill?.killed === false ? 'failed' : 'ok';
  if (outcome.outputBytes === 0) return { status, title, text: [...lines, 'No output.'].join('\n') };
  if (outcome.output.length <= INLINE_LOG_CHARS) {
    return { status, title, text: [...lines, `Output${cut}:`].join('\n'), code: { text: outcome.output } };
  }
  const stamp = formatTime(now).replace(/[ :]/g, '-');
  return {
    status,
    title,
    text: [...lines, `Output attached${cut}.`].join('\n'),
    attachments: [{ name: `${container}-exec-${stamp}.txt`, content: outcome.output }],
  };
}
