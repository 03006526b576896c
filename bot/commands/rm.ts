import { targetOf, type BotCommand } from '../core/command';
import { refuseForceOnRunningWithoutRole } from '../core/forceGrant';
import { describeIdentity } from '../core/identity';

/**
 * `rm <container> [--force] [--volumes]`: removes a container (asks for a confirmation); its revisions stay.
 * `--force` on a stopped container is a no-op and needs no `force: true`; it reaches the agent only with that grant.
 */
export const rmCommand: BotCommand = {
  name: 'rm',
  summary: 'remove a container; a running one only with --force (asks for a confirmation; rollback history stays)',
  usage: 'rm <container> [--force] [--volumes]',
  args: [{ name: 'container', required: true }],
  containerArg: 'container',
  flags: { force: { kind: 'boolean' }, volumes: { kind: 'boolean' } },
  destructive: true,
  action: true,
  refuse: refuseForceOnRunningWithoutRole,
  async run(ctx) {
    const { container, agent } = targetOf(ctx);
    const { force, volumes } = ctx.command.flags;
    const text = await agent.remove(container.id, {
      by: describeIdentity(ctx.identity),
      signal: ctx.signal,
      force: force === true && ctx.mayForce,
      volumes: volumes === true,
    });
    return { status: 'ok', title: `Removed ${container.name}`, text };
  },
};
