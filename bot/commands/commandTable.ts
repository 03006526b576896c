import type { BotCommand } from '../core/command';
import { alertsCommand } from './alerts';
import { auditCommand } from './audit';
import { helpCommand } from './help';
import { historyCommand } from './history';
import { hostsCommand } from './hosts';
import { inspectCommand } from './inspect';
import { logsCommand } from './logs';
import { psCommand } from './ps';
import { restartCommand } from './restart';
import { rollbackCommand } from './rollback';
import { silenceCommand } from './silence';
import { startCommand } from './start';
import { statsCommand } from './stats';
import { stopCommand } from './stop';
import { unsilenceCommand } from './unsilence';

/** Every command, one line each, in `help` order (the one wiring place of the commands). */
export const COMMANDS: readonly BotCommand[] = [
  psCommand,
  logsCommand,
  statsCommand,
  inspectCommand,
  startCommand,
  stopCommand,
  restartCommand,
  rollbackCommand,
  historyCommand,
  alertsCommand,
  silenceCommand,
  unsilenceCommand,
  auditCommand,
  hostsCommand,
  helpCommand,
];
