import { inspect } from 'node:util';
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../../shared/logger';

const TOKEN_SHAPE = /\b(?:xox[a-z]|xapp)-[A-Za-z0-9-]+/g;
const RANK: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, debug: 3 };

/**
 * Bolt's (and its Web API client's) logger over dockwatch's: messages at or above `level` go to `logger` under
 * `component=slack`, with the given secrets and anything shaped like a Slack token replaced by `<secret>`.
 */
export function boltLogger(logger: Logger, secrets: readonly string[], level: LogLevel = LogLevel.WARN): BoltLogger {
  let current = level;
  const redact = (text: string) =>
    secrets.reduce((out, s) => (s ? out.split(s).join('<secret>') : out), text).replace(TOKEN_SHAPE, '<secret>');
  const line = (msg: unknown[]) =>
    redact(msg.map((m) => (typeof m === 'string' ? m : inspect(m, { depth: 3, breakLength: Infinity }))).join(' '));
  const at =
    (lvl: LogLevel) =>
    (...msg: unknown[]) => {
      if (RANK[lvl] <= RANK[current]) logger.log(lvl, line(msg), { component: 'slack' });
    };
  return {
    debug: at(LogLevel.DEBUG),
    info: at(LogLevel.INFO),
    warn: at(LogLevel.WARN),
    error: at(LogLevel.ERROR),
    setLevel(next: LogLevel) {
      current = next;
    },
    getLevel: () => current,
    setName() {},
  };
}
