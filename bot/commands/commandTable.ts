import type { BotCommand } from '../core/command';
import { alertsCommand } from './alerts';
import { auditCommand } from './audit';
import { deployCommand } from './deploy';
import { execCommand } from './exec';
import { helpCommand } from './help';
import { historyCommand } from './history';
import { hostsCommand } from './hosts';
import { imagesCommand } from './images';
import { inspectCommand } from './inspect';
import { logsCommand } from './logs';
import { psCommand } from './ps';
import { pullCommand } from './pull';
import { restartCommand } from './restart';
import { rmCommand } from './rm';
import { rmiCommand } from './rmi';
import { rollbackCommand } from './rollback';
import { silenceCommand } from './silence';
import { startCommand } from './start';
import { statsCommand } from './stats';
import { stopCommand } from './stop';
import { unsilenceCommand } from './unsilence';

/** A command that runs on hosts: it takes `--host H` (one host instead of all; required for a name on several). */
function onHosts(command: BotCommand): BotCommand {
  const [before, after] = command.usage.split(' -- ');
  const usage = after === undefined ? `${command.usage} [--host H]` : `${before} [--host H] -- ${after}`;
  return { ...command, usage, flags: { ...command.flags, host: { kind: 'text' } } };
}

/** Every command, one line each, in `help` order (the one wiring place of the commands). */
export const COMMANDS: readonly BotCommand[] = [
  onHosts(psCommand),
  onHosts(logsCommand),
  onHosts(statsCommand),
  onHosts(inspectCommand),
  onHosts(startCommand),
  onHosts(stopCommand),
  onHosts(restartCommand),
  onHosts(rollbackCommand),
  onHosts(deployCommand),
  onHosts(historyCommand),
  onHosts(imagesCommand),
  onHosts(pullCommand),
  onHosts(alertsCommand),
  onHosts(silenceCommand),
  onHosts(unsilenceCommand),
  onHosts(rmCommand),
  onHosts(rmiCommand),
  onHosts(execCommand),
  auditCommand,
  hostsCommand,
  helpCommand,
];
