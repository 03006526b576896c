import { basename, join, resolve } from 'node:path';
import type * as LogCapture from './logCapture';

/** What a dockwatch process of the tests is called in its capture file: the CLI command, or `eval`; else undefined. */
function dockwatchProcess(dist: string): string | undefined {
  const script = process.argv[1] ? resolve(process.argv[1]) : '';
  if (script === join(dist, 'cli.js')) return process.argv.slice(2).find((a) => /^[a-z]+$/.test(a)) ?? 'cli';
  // `node -e CODE` that runs the built modules (test/support/recordingAgent.ts).
  const evalAt = process.execArgv.findIndex((a) => a === '-e' || a === '--eval');
  const code = evalAt >= 0 ? (process.execArgv[evalAt + 1] ?? '') : '';
  return code.includes(JSON.stringify(dist).slice(1, -1)) ? 'eval' : undefined;
}

/**
 * Loaded into every node process of a test run through NODE_OPTIONS=--require (set by the jest globalSetup; this is
 * its compiled form, dist/test/support/logCapturePreload.js). In a dockwatch process (the built CLI, or `node -e`
 * running the built modules) it copies everything the process writes to stdout and stderr into the run's capture
 * directory and records the secrets of the config it loads; any other process only pays for loading this file.
 */
function capture(): void {
  const dist = resolve(__dirname, '../..');
  const command = dockwatchProcess(dist);
  if (command === undefined) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only in a dockwatch process
  const { captureConfigSecrets, captureDir, openCaptureFile } = require('./logCapture') as typeof LogCapture;
  const dir = captureDir();
  if (!dir) return;
  const file = openCaptureFile(dir, `${command === 'eval' ? 'node-eval' : `cli-${command}`}-${process.pid}.log`);
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) file.write(Buffer.from(chunk).toString('utf8'));
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
  const source = command === 'eval' ? 'node -e (built modules)' : `${basename(dist)}/cli.js ${command}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the process's own config module, from its dist
  captureConfigSecrets(require(join(dist, 'config', 'load.js')), dir, source);
}

capture();
