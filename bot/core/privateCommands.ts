import type { CommandName } from '../../config/commandNames';

/** Commands whose replies only the asker sees on chat platforms: they may show more than a channel should. */
export const PRIVATE_COMMANDS: ReadonlySet<string> = new Set<CommandName>([
  'help',
  'inspect',
  'audit',
  'history',
  'exec',
]);
