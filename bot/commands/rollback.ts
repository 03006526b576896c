import { targetOf, type BotCommand } from '../core/command';
import { describeIdentity } from '../core/identity';

/** `rollback <container> [--to REVISION]`: recreates it from a recorded revision (asks for a confirmation). */
export const rollbackCommand: BotCommand = {
  name: 'rollback',
  summary: 'recreate a container from an earlier recorded revision (asks for a confirmation)',
  usage: 'rollback <container> [--to REVISION]',
  args: [{ name: 'container', required: true }],
  containerArg: 'container',
  flags: { to: { kind: 'integer', min: 1, max: 1_000_000_000 } },
  destructive: true,
  action: true,
  async run(ctx) {
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
