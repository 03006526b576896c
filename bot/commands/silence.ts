import { parseDuration } from '../../config/duration';
import type { Matchers } from '../../alerts/silences';
import type { BotCommand } from '../core/command';
import { shown, shownDuration } from '../core/commandParser';
import { describeIdentity } from '../core/identity';
import { formatTime } from '../core/humanUnits';
import { answered, unansweredNote } from '../core/hostScope';
import { failedReply, invalidReply } from '../core/reply';

const MAX_SILENCE_MS = 30 * 86_400_000;
const LABEL = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** `label=glob[,label=glob…]`, or a bare glob meaning `container=glob`; an error message when malformed. */
export function parseMatchers(text: string): { ok: true; matchers: Matchers } | { ok: false; error: string } {
  if (!text.includes('=')) return { ok: true, matchers: { container: text } };
  const matchers: Matchers = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq === -1 || !LABEL.test(name) || value === '') {
      return {
        ok: false,
        error: `${shown(part)} is not a matcher (use label=value, e.g. container=web-* or rule=crashed)`,
      };
    }
    matchers[name] = value;
  }
  return { ok: true, matchers };
}

/** `silence <matcher> <duration>`: no notifications for matching alerts until the silence ends. */
export const silenceCommand: BotCommand = {
  name: 'silence',
  summary: 'silence matching alerts for a while (matcher: container=web-*,rule=crashed or a container glob)',
  usage: 'silence <matcher> <duration>',
  args: [
    { name: 'matcher', required: true },
    { name: 'duration', required: true },
  ],
  flags: {},
  async run(ctx) {
    const parsed = parseMatchers(ctx.command.args.matcher ?? '');
    if (!parsed.ok) return invalidReply(parsed.error);
    const text = ctx.command.args.duration ?? '';
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0 || ms > MAX_SILENCE_MS) {
      return invalidReply(`${shown(text)} is not a duration from 1s to 30d (use e.g. 30m, 2h, 1d)`);
    }
    const until = ctx.now() + ms;
    const results = await ctx.across((agent) =>
      agent.addSilence({
        matchers: parsed.matchers,
        until,
        comment: `from the bot for ${shownDuration(ms)}`,
        createdBy: describeIdentity(ctx.identity),
      }),
    );
    const added = answered(results);
    const missing = unansweredNote(results);
    const shownMatchers = Object.entries(parsed.matchers)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    if (added.length === 0) return failedReply(`No silence was added: ${missing}`);
    const ids = [...new Set(added.map((a) => a.value.id))];
    const where = ctx.manyHosts ? ` on ${added.map((a) => `${a.host} (${a.value.id})`).join(', ')}` : '';
    return {
      status: 'ok',
      title: `Silence ${ids.join(', ')} added`,
      text:
        `Alerts matching ${shownMatchers} are silenced until ${formatTime(until)}${where}.` +
        (missing ? ` Not added where the agent did not answer: ${missing}` : ''),
    };
  },
};
