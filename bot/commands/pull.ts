import { ImageRefError, parseImageRef } from '../../agent/registry/imageRef';
import type { BotCommand } from '../core/command';
import { answered, noneAnswered } from '../core/hostScope';
import { describeIdentity } from '../core/identity';
import { failedReply, invalidReply, type Reply } from '../core/reply';

/** Progress lines kept for the final reply (the newest; adapters that show progress live saw them all). */
const KEPT_PROGRESS_LINES = 20;

/**
 * `pull <image[:tag|@digest]>`: pulls an image on each host in scope through its agent, with the registry
 * credentials the agent holds; progress lines (`layers 3/5, 12.4 MB / 30.1 MB`) while it runs and the newest of
 * them in the reply. The reference is validated here before any agent sees it.
 */
export const pullCommand: BotCommand = {
  name: 'pull',
  summary: 'pull an image from its registry, with progress (registry credentials from the agent config)',
  usage: 'pull <image[:tag|@digest]>',
  args: [{ name: 'image', required: true }],
  flags: {},
  action: true,
  async run(ctx) {
    const ref = ctx.command.args.image ?? '';
    let familiar: string;
    try {
      familiar = parseImageRef(ref).familiar;
    } catch (err) {
      if (err instanceof ImageRefError) return invalidReply(err.message);
      throw err;
    }
    const many = ctx.hosts.length > 1;
    const by = describeIdentity(ctx.identity);
    const progress: string[] = [];
    const results = await ctx.across((agent, host) =>
      agent.pull(ref, {
        by,
        signal: ctx.signal,
        onProgress: (line) => {
          const shown = many ? `${host}: ${line}` : line;
          progress.push(shown);
          ctx.onProgress?.(shown);
        },
      }),
    );
    const withProgress = (reply: Reply): Reply =>
      progress.length ? { ...reply, code: progressBlock(progress) } : reply;
    const [only] = results;
    if (!many && only) {
      return withProgress(
        only.ok ? { status: 'ok', title: `Pulled ${familiar}`, text: only.value } : failedReply(only.error),
      );
    }
    const lines = results.map((r) => `${r.host}: ${r.ok ? r.value : `failed: ${r.error}`}`);
    if (noneAnswered(results)) return withProgress(failedReply(lines.join('\n')));
    const done = answered(results).length;
    return withProgress({
      status: done === results.length ? 'ok' : 'failed',
      title: `Pulled ${familiar} on ${done} of ${results.length} hosts`,
      text: lines.join('\n'),
    });
  },
};

function progressBlock(lines: readonly string[]): { text: string } {
  const kept = lines.slice(-KEPT_PROGRESS_LINES);
  const skipped = lines.length - kept.length;
  return { text: [...(skipped > 0 ? [`… ${skipped} earlier progress lines`] : []), ...kept].join('\n') };
}
