import type { ContainerActions } from '../agent/actions/containerActions';
import { AgentError, type ActionOptions } from '../bot/agentClient';

/** An action step's progress as the AgentClient reports it: `step: status (detail)`. */
export function progressText(p: { step: string; status: string; detail?: string }): string {
  return `${p.step}: ${p.status}${p.detail ? ` (${p.detail})` : ''}`;
}

/**
 * A rollback of `name` through the actions module (of a removed name only, with `onlyRemoved`): resolves to its
 * message, rejects with an AgentError saying why it failed.
 */
export async function rollbackThroughActions(
  actions: ContainerActions,
  name: string,
  to: number | undefined,
  options: ActionOptions,
  onlyRemoved = false,
): Promise<string> {
  const result = await actions.rollback(name, {
    requestedBy: options.by,
    ...(onlyRemoved && { onlyRemoved }),
    ...(to === undefined ? {} : { toRevision: to }),
    onProgress: (p) => options.onProgress?.(progressText(p)),
  });
  if (result.outcome !== 'rolled-back') throw new AgentError(result.message);
  return result.message;
}
