import { isValidImageRef } from '../../agent/registry/imageRef';
import type { BotCommand } from '../core/command';
import { shown } from '../core/commandParser';
import { refuseForceWithoutRole } from '../core/forceGrant';
import { describeIdentity } from '../core/identity';
import { invalidReply } from '../core/reply';

const IMAGE_ID = /^(?:sha256:)?[0-9a-f]{12,64}$/;

/**
 * `rmi <image> [--force]`: removes an image or one of its names on one host (asks for a confirmation); refuses an
 * image containers use or a keep tag holds unless `--force` (and a role with `force: true`). The answer names only
 * the containers the user's roles cover for `rmi` (as `images` does); the agent counts the others.
 */
export const rmiCommand: BotCommand = {
  name: 'rmi',
  summary: 'remove an image or one of its tags (asks for a confirmation; refuses one in use or kept for rollback)',
  usage: 'rmi <image> [--force]',
  args: [{ name: 'image', required: true }],
  flags: { force: { kind: 'boolean' } },
  destructive: true,
  action: true,
  refuse: refuseForceWithoutRole,
  async run(ctx) {
    const image = ctx.command.args.image ?? '';
    if (!IMAGE_ID.test(image) && !isValidImageRef(image)) {
      return invalidReply(`${shown(image)} is not an image reference (name[:tag], name@sha256:…) or image ID`);
    }
    const [host, ...more] = ctx.hosts;
    if (host === undefined || more.length)
      return invalidReply(`rmi works on one host: add --host (${ctx.hosts.join(', ')})`);
    const agent = ctx.fleet.agent(host);
    if (!agent) return invalidReply(`host ${host} is not reachable`);
    const nameable = (await agent.containers()).filter((r) => ctx.may('rmi', r)).map((r) => r.id);
    const text = await agent.removeImage(image, {
      by: describeIdentity(ctx.identity),
      signal: ctx.signal,
      force: ctx.command.flags.force === true,
      nameable,
    });
    return { status: 'ok', title: `rmi ${image}${ctx.manyHosts ? ` on ${host}` : ''}`, text };
  },
};
