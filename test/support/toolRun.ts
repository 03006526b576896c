import { spawn } from 'node:child_process';

/** Debian's docker-compose 1.29 and amtool (scripts/ensure-monitoring.sh installs them); override with the env. */
export const DOCKER_COMPOSE_BIN = process.env.DOCKER_COMPOSE_BIN ?? '/usr/bin/docker-compose';
export const AMTOOL_BIN = process.env.AMTOOL_BIN ?? '/usr/bin/amtool';

/** How a command-line tool ended: its exit code (null when killed) and stdout and stderr interleaved. */
export type ToolResult = { code: number | null; output: string };

/**
 * Runs a command-line tool to completion (killed after `timeoutMs`, default 60 s) and returns its exit code and
 * output; rejects only when it cannot be started at all (e.g. not installed), naming the binary.
 */
export function runTool(
  bin: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${bin}: ${err.message} (scripts/ensure-monitoring.sh installs it)`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.trim() });
    });
  });
}
