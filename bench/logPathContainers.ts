import type Docker from 'dockerode';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Label on every container of the log path bench (the agent selects on it; cleanup removes what carries it). */
export const LOG_BENCH_LABEL = 'dockwatch.bench13';
/** Value of {@link LOG_BENCH_LABEL} on this bench's containers. */
export const LOG_BENCH_VALUE = 'logs';
const IMAGE = 'dockwatch-test/busybox:1';
/** Bytes of one line, its newline included. */
export const LINE_BYTES = 100;

/** A set of writer containers, created and waiting for {@link LogWriters.go} before they write. */
export type LogWriters = {
  ids: string[];
  names: string[];
  /** Lets every container write its lines (they start within ~50 ms). */
  go: () => void;
  /** Resolves once every container has exited. */
  exited: () => Promise<void>;
  /** Removes the containers and the gate directory. */
  remove: () => Promise<void>;
};

/**
 * The script of one writer: prints `ready` (one line, so a follower knows its stream is open), waits for the gate
 * file, then prints `lines` numbered lines of LINE_BYTES bytes with
 * busybox awk (stdio-buffered writes, as a busy service's logger makes them) and exits.
 */
function writerScript(lines: number): string {
  const pad = 'x'.repeat(LINE_BYTES - 1 - 9 - 6);
  return (
    'echo ready; while [ ! -e /gate/go ]; do sleep 0.05; done; ' +
    `exec awk 'BEGIN { for (i = 1; i <= ${lines}; i++) printf "%09d line %s\\n", i, "${pad}" }'`
  );
}

/** Creates and starts `count` writer containers (network none, label dockwatch.bench13=logs), gated. */
export async function startLogWriters(docker: Docker, count: number, lines: number, tag: string): Promise<LogWriters> {
  const gate = mkdtempSync(join(tmpdir(), 'dockwatch-logbench-gate-'));
  const ids: string[] = [];
  const names: string[] = [];
  const writers: LogWriters = {
    ids,
    names,
    go: () => writeFileSync(join(gate, 'go'), ''),
    exited: async () => {
      await Promise.all(ids.map((id) => docker.getContainer(id).wait()));
    },
    remove: async () => {
      await Promise.all(
        ids.map((id) =>
          docker
            .getContainer(id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      );
      rmSync(gate, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < count; i++) {
      const name = `dw-bench13-logs-${tag}-${i + 1}-${process.pid}`;
      const container = await docker.createContainer({
        name,
        Image: IMAGE,
        Cmd: ['sh', '-c', writerScript(lines)],
        Labels: { [LOG_BENCH_LABEL]: LOG_BENCH_VALUE },
        HostConfig: { NetworkMode: 'none', Binds: [`${gate}:/gate:ro`] },
      });
      ids.push(container.id);
      names.push(name);
      await container.start();
    }
  } catch (error) {
    await writers.remove();
    throw error;
  }
  return writers;
}

/** Removes every container carrying this bench's label (left over by an interrupted run). */
export async function removeLogBenchContainers(docker: Docker): Promise<number> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${LOG_BENCH_LABEL}=${LOG_BENCH_VALUE}`] },
  });
  await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  return list.length;
}
