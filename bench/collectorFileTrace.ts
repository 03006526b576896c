import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import { PASS_END_MARKER, PASS_START_MARKER } from './recordCollectorFiles';

/** The files one steady collector pass read, in order of first use (failed opens included: the pass pays for them). */
export type CollectorFileTrace = { collector: string; samples: number; paths: string[] };

/** `openat(AT_FDCWD</cwd>, "/path", …)`: the path a pass opens (or tries to). */
const OPEN_CALL = /\bopen(?:at)?\((?:AT_FDCWD(?:<[^>]*>)?, )?"((?:[^"\\]|\\.)*)"/;
/** `pread64(23</path>, …)` as `strace -y` prints it: a read of a descriptor opened earlier (kept open). */
const READ_CALL = /\b(?:p?read(?:64)?|p?readv)\(\d+<(\/[^>]*)>/;

/**
 * Distinct files opened or read (by descriptor, so kept-open files count too) between the two markers of a
 * `strace -y` log, in order of first use.
 */
export function filesBetweenMarkers(straceLog: string): string[] {
  const paths = new Set<string>();
  let inside = false;
  for (const line of straceLog.split('\n')) {
    const opened = OPEN_CALL.exec(line)?.[1];
    if (opened === PASS_START_MARKER) inside = true;
    else if (opened === PASS_END_MARKER) return [...paths];
    else if (inside) {
      const path = opened ?? READ_CALL.exec(line)?.[1];
      if (path !== undefined) paths.add(path);
    }
  }
  throw new Error('the strace log holds no complete traced pass (markers missing)');
}

/**
 * Finds which files the cgroup collector reads, whatever API it reads them with (fs/promises, sync reads, descriptors
 * kept open and re-read with pread): runs a warm-up and a traced pass in a child process under strace and keeps the
 * files the traced pass opened or read.
 */
export async function traceCollectorFiles(containers: readonly ContainerRecord[]): Promise<CollectorFileTrace> {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-bench-trace-'));
  try {
    const records = join(dir, 'records.json');
    const log = join(dir, 'strace.log');
    writeFileSync(records, JSON.stringify(containers));
    const child = join(__dirname, 'recordCollectorFiles.js');
    const syscalls = 'trace=open,openat,read,pread64,readv,preadv';
    const args = ['-f', '-qq', '-y', '-e', syscalls, '-o', log, process.execPath, child, records];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('strace', args, { timeout: 120_000 }, (err, out, stderr) => {
        if (!err) return resolve(out);
        const hint = (err as { code?: unknown }).code === 'ENOENT' ? ' (install it: apt-get install -y strace)' : '';
        reject(new Error(`strace of a collector pass failed${hint}: ${err.message}\n${stderr.slice(-2000)}`));
      }),
    );
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { collector: string; samples: number };
    return { ...result, paths: filesBetweenMarkers(readFileSync(log, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
