/** Every command the bot knows, in the order `help` lists them; roles in the config name these (or `*`). */
export const COMMAND_NAMES = [
  'ps',
  'logs',
  'stats',
  'inspect',
  'start',
  'stop',
  'restart',
  'rollback',
  'deploy',
  'history',
  'images',
  'pull',
  'alerts',
  'silence',
  'unsilence',
  'rm',
  'rmi',
  'exec',
  'audit',
  'hosts',
  'help',
] as const;

/** One of {@link COMMAND_NAMES}. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Whether `name` is a command the bot knows. */
export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}
