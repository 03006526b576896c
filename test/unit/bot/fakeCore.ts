import { createLogger } from '../../../shared/logger';
import type { Store } from '../../../agent/store/database';
import { buildCommandCore } from '../../../bot';
import type { AgentClient } from '../../../bot/agentClient';
import type { CommandCore } from '../../../bot/core/commandCore';
import { StaticFleet } from '../../../bot/staticFleet';
import { botSchema } from '../../../config/botSchema';

/** A silent logger for the command core's unit tests. */
export const quietLogger = createLogger({ level: 'error', format: 'text', silent: true });

/** The command core over one agent, from a raw `bot:` config (parsed by the schema), auditing into `store`. */
export function coreOver(config: unknown, agent: AgentClient, store: Store, actionTimeoutMs?: number): CommandCore {
  return buildCommandCore({
    bot: botSchema.parse(config),
    fleet: new StaticFleet([agent]),
    store,
    logger: quietLogger,
    ...(actionTimeoutMs === undefined ? {} : { actionTimeoutMs }),
  });
}
