import { targetOf, type BotCommand, type CommandContext, type RemovedTarget } from '../core/command';
import { describeIdentity } from '../core/identity';
import type { Reply } from '../core/reply';

/** `rollback <container> [--to REVISION]`: recreates it from a recorded revision (asks for a confirmation). */
export const rollbackCommand: BotCommand = {
  name: 'rollback',
  summary: 'recreate a container (or a removed one) from an earlier recorded revision (asks for a confirmation)',
  usage: 'rollback <container> [--to REVISION]',
  args: [{ name: 'container', required: true }],
  containerArg: 'container',
  removedRevision: (command, removed) => {
    if (typeof command.flags.to === 'number') return { revision: command.flags.to };
    return 'error' in removed.rollback ? { error: removed.rollback.error } : { revision: removed.rollback.revision };
  },
  flags: { to: { kind: 'integer', min: 1, max: 1_000_000_000 } },
  destructive: true,
  action: true,
  async run(ctx) {
    if (ctx.removed) return recreate(ctx, ctx.removed);
    const { container, agent } = targetOf(ctx);
    const to = ctx.command.flags.to;
    const steps: string[] = [];
    const text = await agent.rollback(container.id, typeof to === 'number' ? to : undefined, {
      by: describeIdentity(ctx.identity),
      signal: ctx.signal,
      onProgress: (step) => {
        steps.push(step);
        ctx.onProgress?.(step);
      },
    });
    return {
      status: 'ok',
      title: `Rolled back ${container.name}`,
      text,
      ...(steps.length ? { code: { text: steps.join('\n') } } : {}),
    };
  },
};

/**
 * `rollback` of a removed name: recreates its container from the revision the core authorized (the one `--to` names,
 * else the one the agent listed for a plain rollback, said as the first step).
 */
async function recreate(ctx: CommandContext, removed: RemovedTarget): Promise<Reply> {
  const steps: string[] = [];
  const step = (line: string) => {
    steps.push(line);
    ctx.onProgress?.(line);
  };
  const plain = typeof ctx.command.flags.to !== 'number';
  if (plain && !('error' in removed.removed.rollback)) step(`choose: done (${removed.removed.rollback.why})`);
  const text = await removed.agent.rollbackRemoved(removed.name, removed.revision, {
    by: describeIdentity(ctx.identity),
    signal: ctx.signal,
    onProgress: step,
  });
  return { status: 'ok', title: `Recreated ${removed.name}`, text, code: { text: steps.join('\n') } };
}
