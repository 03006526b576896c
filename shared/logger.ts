import winston from 'winston';

/** Log levels dockwatch accepts, most severe first. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** The logger every part receives by injection (a winston logger). */
export type Logger = winston.Logger;

/** Builds the process logger: `text` for people, `json` for log shippers. Writes to stderr. */
export function createLogger(opts: { level: LogLevel; format: 'text' | 'json'; silent?: boolean }): Logger {
  const text = winston.format.printf(({ level, message, timestamp, ...meta }) => {
    const extra = Object.entries(meta)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v)}`)
      .join(' ');
    return `${String(timestamp)} ${level.padEnd(5)} ${String(message)}${extra ? ' ' + extra : ''}`;
  });
  return winston.createLogger({
    level: opts.level,
    silent: opts.silent ?? false,
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: false }),
      opts.format === 'json' ? winston.format.json() : text,
    ),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}
