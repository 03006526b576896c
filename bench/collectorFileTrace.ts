import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import { PASS_END_MARKER, PASS_START_MARKER } from './recordCollectorFiles';

/** The files one steady collector pass opened, in order (failed opens included: the collector pays for them). */
export type CollectorFileTrace = { collector: string; samples: number; paths: string[] };

const OPEN_CALL = /\bopen(?:at)?\((?:AT_FDCWD, )?"((?:[^"\\]|\\.)*)"/;

/** Paths passed to open/openat between the two markers of a strace log. */
export function openedBetweenMarkers(straceLog: string): string[] {
  const paths: string[] = [];
  let inside = false;
  for (const line of straceLog.split('\n')) {
    const path = OPEN_CALL.exec(line)?.[1];
    if (path === undefined) continue;
    if (path === PASS_START_MARKER) inside = true;
    else if (path === PASS_END_MARKER) return paths;
    else if (inside) paths.push(path);
  }
  throw new Error('the strace log holds no complete traced pass (markers missing)');
}

/**
 * Finds which files the cgroup collector reads, whatever API it reads them with: runs one pass in a child process
 * under `strace -f -e trace=open,openat` and keeps the opens between the pass markers.
 */
export async function traceCollectorFiles(containers: readonly ContainerRecord[]): Promise<CollectorFileTrace> {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-bench-trace-'));
  try {
    const records = join(dir, 'records.json');
    const log = join(dir, 'strace.log');
    writeFileSync(records, JSON.stringify(containers));
    const child = join(__dirname, 'recordCollectorFiles.js');
    const args = ['-f', '-qq', '-e', 'trace=open,openat', '-o', log, process.execPath, child, records];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('strace', args, { timeout: 120_000 }, (err, out, stderr) => {
        if (!err) return resolve(out);
        const hint = (err as { code?: unknown }).code === 'ENOENT' ? ' (install it: apt-get install -y strace)' : '';
        reject(new Error(`strace of a collector pass failed${hint}: ${err.message}\n${stderr.slice(-2000)}`));
      }),
    );
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { collector: string; samples: number };
    return { ...result, paths: openedBetweenMarkers(readFileSync(log, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
