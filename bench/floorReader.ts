import { closeSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import { mapWithConcurrency } from '../agent/stats/concurrency';

/** Containers read at once by the async floor (each with all its files in parallel). */
const ASYNC_CONTAINERS_IN_FLIGHT = 32;

/** Groups paths by container: cgroup paths by the container ID in them, `/proc/<pid>/…` by the container's pid. */
export function groupByContainer(paths: readonly string[], containers: readonly ContainerRecord[]): string[][] {
  const idOfPid = new Map(containers.map((c) => [String(c.pid), c.id]));
  const groups = new Map<string, string[]>();
  for (const path of paths) {
    const id = /[0-9a-f]{64}/.exec(path)?.[0] ?? idOfPid.get(/\/proc\/(\d+)\//.exec(path)?.[1] ?? '') ?? path;
    const group = groups.get(id) ?? [];
    group.push(path);
    groups.set(id, group);
  }
  return [...groups.values()];
}

/**
 * Async floor: each container's files read in parallel with `fs.promises.readFile` (raw bytes, no decoding, no
 * parsing), 32 containers in flight; a missing file is ignored. Resolves with the bytes read.
 */
export function asyncFloorReader(filesByContainer: readonly string[][]): () => Promise<number> {
  return async () => {
    const sizes = await mapWithConcurrency(filesByContainer, ASYNC_CONTAINERS_IN_FLIGHT, (files) =>
      Promise.all(
        files.map((file) =>
          readFile(file).then(
            (b) => b.length,
            () => 0,
          ),
        ),
      ),
    );
    return sizes.reduce((sum, list) => sum + list.reduce((a, b) => a + b, 0), 0);
  };
}

/**
 * Sync floor: the least a reader can do per file: open, read until EOF into one reused buffer, close; no decoding,
 * no parsing, no yielding. Resolves with the bytes read.
 */
export function syncFloorReader(paths: readonly string[]): () => Promise<number> {
  const buffer = Buffer.allocUnsafe(256 * 1024);
  return async () => {
    let total = 0;
    for (const path of paths) {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch {
        continue;
      }
      try {
        for (
          let n = readSync(fd, buffer, 0, buffer.length, null);
          n > 0;
          n = readSync(fd, buffer, 0, buffer.length, null)
        ) {
          total += n;
        }
      } catch {
        // vanished mid-read: as the collector, ignore
      } finally {
        closeSync(fd);
      }
    }
    return total;
  };
}

/** A floor that holds resources (descriptors) until closed. */
export type ClosableFloor = { run: () => Promise<number>; close: () => void };

/**
 * Kept-descriptor floor: each file opened once (on the first run, a warm-up) and re-read with one `pread` at offset 0
 * per run, which cgroup and /proc files answer with fresh content; no decoding, no parsing. The least a pass can do.
 */
export function preadFloorReader(paths: readonly string[]): ClosableFloor {
  const buffer = Buffer.allocUnsafe(256 * 1024);
  const fds = new Map<string, number | undefined>();
  return {
    run: async () => {
      let total = 0;
      for (const path of paths) {
        let fd = fds.get(path);
        if (!fds.has(path)) {
          try {
            fd = openSync(path, 'r');
          } catch {
            fd = undefined;
          }
          fds.set(path, fd);
        }
        if (fd === undefined) continue;
        try {
          total += readSync(fd, buffer, 0, buffer.length, 0);
        } catch {
          // vanished: as the collector, ignore
        }
      }
      return total;
    },
    close: () => {
      for (const fd of fds.values()) if (fd !== undefined) closeSync(fd);
      fds.clear();
    },
  };
}
