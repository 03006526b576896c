import { targetOf, type BotCommand } from '../core/command';
import { describeIdentity } from '../core/identity';
import { failedReply } from '../core/reply';
import { deployFailedReply } from './deployFailure';

const MIN_TIMEOUT_MS = 1000;
const MAX_TIMEOUT_MS = 60 * 60_000;

/**
 * `deploy <container> [<image:tag|@digest>] [--timeout DURATION]`: pulls the image (none: the container's own tag
 * again) and recreates the container from it with its own settings behind the health gate; the previous container
 * comes back by itself when the new one does not come up healthy (asks for a confirmation); the failed container's
 * log lines are shown only to a user whose roles allow `logs` on it.
 */
export const deployCommand: BotCommand = {
  name: 'deploy',
  summary:
    'pull an image and recreate a container from it, rolled back automatically unless it comes up healthy (asks for a confirmation)',
  usage: 'deploy <container> [<image:tag|@digest>] [--timeout DURATION]',
  args: [
    { name: 'container', required: true },
    { name: 'image', required: false },
  ],
  containerArg: 'container',
  flags: { timeout: { kind: 'duration' } },
  destructive: true,
  action: true,
  async run(ctx) {
    const { container, agent } = targetOf(ctx);
    const timeout = ctx.command.flags.timeout;
    if (typeof timeout === 'number' && (timeout < MIN_TIMEOUT_MS || timeout > MAX_TIMEOUT_MS)) {
      return failedReply('--timeout must be from 1s to 1h');
    }
    const image = ctx.command.args.image;
    const steps: string[] = [];
    const report = await agent.deploy(container.id, image, {
      by: describeIdentity(ctx.identity),
      signal: ctx.signal,
      ...(typeof timeout === 'number' ? { timeoutMs: timeout } : {}),
      onProgress: (step) => {
        if (!step.startsWith('pull: progress')) steps.push(step);
        ctx.onProgress?.(step);
      },
    });
    if (report.outcome === 'restored' || report.outcome === 'restore-failed') {
      return deployFailedReply(report, container.name, ctx.may('logs', container));
    }
    return {
      status: 'ok',
      title: report.outcome === 'up-to-date' ? `${container.name} is up to date` : `Deployed ${container.name}`,
      text: report.message,
      ...(steps.length ? { code: { text: steps.join('\n') } } : {}),
    };
  },
};
