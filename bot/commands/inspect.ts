import { targetOf, type BotCommand } from '../core/command';
import { redactEnv } from '../core/redactEnv';

/** `inspect <container>`: image, command, ports, mounts, networks, labels and env (secret values hidden). */
export const inspectCommand: BotCommand = {
  name: 'inspect',
  summary: "a container's configuration (secret env values hidden unless your role may see them)",
  usage: 'inspect <container>',
  args: [{ name: 'container', required: true }],
  containerArg: 'container',
  flags: {},
  async run(ctx) {
    const { container, agent, host } = targetOf(ctx);
    const d = await agent.inspect(container.id, ctx.signal);
    const list = (items: readonly string[]) => (items.length ? items.join(', ') : '-');
    const env = redactEnv(d.env, ctx.seeSecrets);
    return {
      status: 'ok',
      title: `Inspect ${d.name}`,
      fields: [
        ...(ctx.manyHosts ? [{ name: 'Host', value: host }] : []),
        { name: 'ID', value: d.id.slice(0, 12) },
        { name: 'Image', value: `${d.image} (${d.imageId.replace(/^sha256:/, '').slice(0, 12)})` },
        { name: 'State', value: d.health === 'none' ? d.state : `${d.state} (${d.health})` },
        { name: 'Created', value: d.createdAt },
        ...(d.startedAt ? [{ name: 'Started', value: d.startedAt }] : []),
        { name: 'Restarts', value: String(d.restartCount) },
        { name: 'Restart policy', value: d.restartPolicy || '-' },
        { name: 'Entrypoint', value: list(d.entrypoint) },
        { name: 'Command', value: list(d.command) },
        { name: 'Ports', value: list(d.ports) },
        { name: 'Mounts', value: list(d.mounts) },
        { name: 'Networks', value: list(d.networks) },
        {
          name: 'Labels',
          value: list(
            Object.entries(d.labels)
              .map(([k, v]) => `${k}=${v}`)
              .sort(),
          ),
        },
      ],
      ...(env.length ? { code: { text: env.join('\n') } } : {}),
    };
  },
};
