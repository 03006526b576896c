import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type winston from 'winston';
import type { Config } from '../../config/schema';
import { recordSecrets } from './secretScan';

/**
 * The environment variable naming this test run's capture directory (set once by the jest globalSetup): every
 * dockwatch log line of the run is copied there, with every secret the run's configs hold, for the secret scan.
 */
export const LOG_CAPTURE_DIR_ENV = 'DOCKWATCH_TEST_LOG_CAPTURE_DIR';

/** The capture directory's list of test files that ran (one path, relative to the repository, a line). */
export const RAN_FILE = 'ran.txt';

/** This run's capture directory, or undefined when nothing is captured (jest run without the globalSetup). */
export function captureDir(): string | undefined {
  return process.env[LOG_CAPTURE_DIR_ENV] || undefined;
}

/** A file of the capture directory that lines are appended to synchronously (nothing is lost when a process exits). */
export type CaptureFile = { write(text: string): void; close(): void };

/** Opens (appending) the capture file `name` in `dir`. */
export function openCaptureFile(dir: string, name: string): CaptureFile {
  const fd = openSync(join(dir, name), 'a', 0o600);
  let open = true;
  return {
    write: (text) => {
      if (open) writeSync(fd, text);
    },
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/**
 * Makes every logger `winstonModule.createLogger` builds from now on also write each line it accepts, as its format
 * renders it, to `file`; a logger asked to be silent still is on its own transports, but its lines are captured
 * (they are the lines it would write in production).
 */
export function captureWinston(winstonModule: typeof winston, file: CaptureFile): void {
  const create = winstonModule.createLogger;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      file.write(chunk.toString('utf8'));
      done();
    },
  });
  winstonModule.createLogger = (options?: winston.LoggerOptions) => {
    const logger = create(options);
    if (logger.silent) {
      for (const transport of logger.transports) transport.silent = true;
      logger.silent = false;
    }
    logger.add(new winstonModule.transports.Stream({ stream }));
    return logger;
  };
}

/** The part of a config module the capture wraps. */
type LoadModule = { loadConfig: (...args: never[]) => Config };

/** Makes `loadModule.loadConfig` record the secrets of every config it returns in `dir`, naming `source` and the file. */
export function captureConfigSecrets(loadModule: LoadModule, dir: string, source: string): void {
  const load = loadModule.loadConfig;
  loadModule.loadConfig = (...args: never[]) => {
    const config = load(...args);
    const file = (args[0] as { file?: unknown } | undefined)?.file;
    recordSecrets(dir, config, typeof file === 'string' ? `${source} --config ${file}` : source);
    return config;
  };
}
