import { readFileSync } from 'node:fs';
import { preadFloorReader, syncFloorReader } from './floorReader';

/**
 * The idle bench's minimal reader, run as its own node process: every `intervalMs` it reads exactly the files one
 * agent pass reads, with no decoding and no parsing, and does nothing else: `sync` opens, reads and closes each file;
 * `pread` keeps the descriptors open and re-reads each with one `pread`. Arguments: a JSON file holding the paths, the
 * interval in ms, the mode. Prints "ready" after the first (warm-up) pass.
 */
async function main(): Promise<void> {
  const [file, interval, mode] = process.argv.slice(2);
  const intervalMs = Number(interval);
  if (!file || !Number.isInteger(intervalMs) || intervalMs < 1 || (mode !== 'sync' && mode !== 'pread')) {
    throw new Error('usage: idleFloorProcess.js PATHS.json INTERVAL_MS sync|pread');
  }
  const paths = JSON.parse(readFileSync(file, 'utf8')) as string[];
  const floor = mode === 'pread' ? preadFloorReader(paths) : { run: syncFloorReader(paths), close: () => undefined };
  await floor.run();
  setInterval(() => void floor.run(), intervalMs);
  process.on('SIGTERM', () => {
    floor.close();
    process.exit(0);
  });
  process.stdout.write('ready\n');
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
