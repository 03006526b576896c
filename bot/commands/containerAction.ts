import type { ActionOptions, AgentClient } from '../agentClient';
import { targetOf, type BotCommand } from '../core/command';
import { describeIdentity } from '../core/identity';

type Action = 'start' | 'stop' | 'restart';

/** The shape shared by `start`, `stop` and `restart <container>`: one engine action through the agent. */
export function containerAction(name: Action, summary: string, done: string, destructive: boolean): BotCommand {
  return {
    name,
    summary,
    usage: `${name} <container>`,
    args: [{ name: 'container', required: true }],
    containerArg: 'container',
    flags: {},
    destructive,
    action: true,
    async run(ctx) {
      const { container, agent } = targetOf(ctx);
      const options: ActionOptions = {
        by: describeIdentity(ctx.identity),
        signal: ctx.signal,
        ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
      };
      const act: Record<Action, (agent: AgentClient) => Promise<string>> = {
        start: (agent) => agent.start(container.id, options),
        stop: (agent) => agent.stop(container.id, options),
        restart: (agent) => agent.restart(container.id, options),
      };
      const text = await act[name](agent);
      return { status: 'ok', title: `${done} ${container.name}`, text };
    },
  };
}
