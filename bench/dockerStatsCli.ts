import { execFile } from 'node:child_process';
import { engineCpuDuring } from './engineCpu';

/** What one `docker stats --no-stream` over the bench containers cost. */
export type DockerStatsCost = {
  wallMs: number;
  cliCpuMs: number;
  engineCpuMs: number;
  rows: number;
  /** Rows with no data (`0B / 0B` memory): the engine had no stats for that container. */
  emptyRows: number;
};

const USER_HZ = 100;

/**
 * Shell wrapper that runs `docker "$@"` and then prints its own `/proc/self/stat` to stderr: once docker has been
 * reaped, the shell's cutime and cstime hold the CLI's CPU time.
 */
const WRAPPER = 'docker "$@"; status=$?; cat /proc/$$/stat >&2; exit $status';

function childCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime are fields 16 and 17.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / USER_HZ;
}

/** Runs `docker stats --no-stream` over the given containers and measures wall time, CLI CPU and engine CPU. */
export async function dockerStatsNoStream(
  ids: readonly string[],
  enginePids: readonly number[],
): Promise<DockerStatsCost> {
  const args = ['-c', WRAPPER, 'sh', 'stats', '--no-stream', '--format', '{{.ID}} {{.MemUsage}}', ...ids];
  const started = process.hrtime.bigint();
  const { result, engineCpuMs } = await engineCpuDuring(
    enginePids,
    () =>
      new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
        execFile('sh', args, { maxBuffer: 64 * 1024 * 1024, timeout: 300_000 }, (err, stdout, stderr) =>
          err
            ? reject(new Error(`docker stats failed: ${err.message}\n${stderr.slice(-2000)}`))
            : resolve({ stdout, stderr }),
        );
      }),
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const statLine = result.stderr.trim().split('\n').pop() ?? '';
  const rows = result.stdout.split('\n').filter((line) => line.trim() !== '');
  return {
    wallMs,
    cliCpuMs: childCpuMs(statLine),
    engineCpuMs,
    rows: rows.length,
    emptyRows: rows.filter((row) => /\s0B \/ 0B$/.test(row)).length,
  };
}
