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
