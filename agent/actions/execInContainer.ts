import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerRecord } from '../inventory/containerRecord';
import { ActionError } from './actionError';
import { exitCodeOf, killExecProcess, type KillOutcome } from './execKill';
import type { ExecOptions, ExecResult } from './execTypes';

/** Output kept per exec when the caller does not say: 1 MiB (the bot sends long output as a file). */
export const DEFAULT_MAX_EXEC_OUTPUT = 1024 * 1024;

/** What an exec works with: the engine, where the host's /proc is (for the kill), a clock. */
export type ExecDeps = { docker: Docker; procRoot: string; now: () => number };

const END_GRACE_MS = 5000;

/**
 * Runs `argv` in a running container as the engine's exec: the argv as given (no shell), no TTY, no stdin; stdout
 * and stderr demultiplexed into one output in the order they came, the first `maxOutputBytes` kept and the rest
 * counted. At `timeoutMs` (or when `signal` aborts) the process is killed (see {@link killExecProcess}); the exit
 * code comes from the exec inspect once it has ended.
 */
export async function execInContainer(
  deps: ExecDeps,
  record: ContainerRecord,
  argv: readonly string[],
  options: ExecOptions,
): Promise<ExecResult> {
  const started = deps.now();
  const container = deps.docker.getContainer(record.id);
  const info = await container.inspect();
  if (!info.State.Running || info.State.Paused) {
    throw new ActionError('conflict', `${record.name} is ${info.State.Status}: exec needs a running container`);
  }
  const exec = await container.exec({
    Cmd: [...argv],
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = (await exec.start({ hijack: true, stdin: false, Detach: false, Tty: false })) as Duplex;
  const output = new OutputCollector(options.maxOutputBytes ?? DEFAULT_MAX_EXEC_OUTPUT);
  const ended = new Promise<void>((resolve) => {
    stream
      .on('end', resolve)
      .on('close', resolve)
      .on('error', () => resolve());
  });
  deps.docker.modem.demuxStream(stream, output.sink(), output.sink());
  let kill: KillOutcome | undefined;
  let timedOut = false;
  const killNow = async () => {
    if (timedOut) return;
    timedOut = true;
    const pid = (await exec.inspect().catch(() => undefined))?.Pid;
    kill = pid ? await killExecProcess(deps.docker, record.id, pid, deps.procRoot) : { killed: true, how: 'ended' };
  };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), options.timeoutMs);
  });
  const aborted = new Promise<'expired'>((resolve) => {
    if (options.signal?.aborted) resolve('expired');
    options.signal?.addEventListener('abort', () => resolve('expired'), { once: true });
  });
  try {
    if ((await Promise.race([ended.then(() => 'ended' as const), expired, aborted])) === 'expired') {
      await killNow();
      await Promise.race([ended, sleep(END_GRACE_MS)]);
      stream.destroy();
    }
  } finally {
    clearTimeout(timer);
  }
  const exitCode = await exitCodeOf(exec, END_GRACE_MS);
  return {
    container: record.name,
    argv: [...argv],
    ...(exitCode !== undefined && { exitCode }),
    output: output.text(),
    outputBytes: output.total,
    truncated: output.total > output.kept,
    timedOut,
    ...(kill && { kill }),
    durationMs: deps.now() - started,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** stdout and stderr into one buffer, in arrival order, up to a cap; bytes past it are counted only. */
class OutputCollector {
  private readonly chunks: Buffer[] = [];
  kept = 0;
  total = 0;

  constructor(private readonly max: number) {}

  sink(): NodeJS.WritableStream {
    const write = (chunk: Buffer | string) => {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      this.total += buf.length;
      const room = this.max - this.kept;
      if (room > 0) {
        const part = buf.subarray(0, room);
        this.chunks.push(part);
        this.kept += part.length;
      }
      return true;
    };
    return { write } as unknown as NodeJS.WritableStream;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
