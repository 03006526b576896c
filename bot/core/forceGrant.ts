import type { ParsedCommand } from './commandSpec';

/**
 * The `refuse` of commands with a `--force` flag (rm, rmi): `--force` needs a role that allows the command and has
 * `force: true`; deny by default.
 */
export function refuseForceWithoutRole(command: ParsedCommand, grant: { force: boolean }): string | undefined {
  if (command.flags.force !== true || grant.force) return undefined;
  return (
    `--force is not allowed to you: no role that allows ${command.name} has force: true (roles.<role>.force); ` +
    `run ${command.name} without --force`
  );
}

/** Engine states in which `rm` needs `--force` (as the agent's removeContainer decides). */
const FORCE_STATES: ReadonlySet<string> = new Set(['running', 'restarting', 'paused']);

/**
 * The `refuse` of `rm`: `--force` on a container that is not running forces nothing (a no-op), so it needs no role
 * with `force: true`; on a running (restarting, paused) one it does, as {@link refuseForceWithoutRole}. The command
 * passes `force` on only with the grant, so a container started meanwhile is refused by the agent, not forced.
 */
export function refuseForceOnRunningWithoutRole(
  command: ParsedCommand,
  grant: { force: boolean },
  target?: { state: string },
): string | undefined {
  if (target && !FORCE_STATES.has(target.state)) return undefined;
  return refuseForceWithoutRole(command, grant);
}
