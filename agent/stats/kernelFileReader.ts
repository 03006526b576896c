import { closeSync, openSync, readSync } from 'node:fs';

/** Reads one kernel file of the cgroup being sampled; undefined when missing. */
export type ReadFile = (path: string) => string | undefined;

/** Most descriptors the reader keeps open; past it, files are opened and closed per read. */
const DEFAULT_MAX_OPEN = 12_000;

type ContainerFiles = { pid: number; fds: Map<string, number> };

/**
 * Reads small kernel files (cgroup, /proc) of running containers. Each file is opened once and re-read with
 * `pread` at offset 0, which the kernel answers with fresh content: one syscall instead of open, read, read-to-EOF
 * and close, about 5x cheaper per file here (~5 µs instead of ~25 µs), which is what a pass over hundreds of
 * containers costs. Descriptors are grouped by container and closed when it stops or its process changes (a
 * restart gets a new cgroup and network namespace under the same paths).
 */
export class KernelFileReader {
  private buffer = Buffer.allocUnsafe(16 * 1024);
  private readonly containers = new Map<string, ContainerFiles>();
  private open = 0;

  constructor(private readonly maxOpen = DEFAULT_MAX_OPEN) {}

  /** Number of descriptors held. */
  get openCount(): number {
    return this.open;
  }

  /** Declares the running containers and their main process; forgets the rest and any whose process changed. */
  retain(containers: readonly { id: string; pid: number }[]): void {
    const pids = new Map(containers.map((c) => [c.id, c.pid]));
    for (const [id, files] of this.containers) {
      if (pids.get(id) !== files.pid) this.forget(id);
    }
    for (const [id, pid] of pids) {
      if (!this.containers.has(id)) this.containers.set(id, { pid, fds: new Map() });
    }
  }

  /** The content of a container's file, or undefined when it does not exist (or no longer does). */
  read(containerId: string, path: string): string | undefined {
    const files = this.containers.get(containerId);
    let fd = files?.fds.get(path);
    if (fd !== undefined) {
      const text = this.readAll(fd);
      if (text !== undefined) return text;
      this.close(files as ContainerFiles, path, fd);
    }
    try {
      fd = openSync(path, 'r');
    } catch {
      return undefined;
    }
    const text = this.readAll(fd);
    if (text !== undefined && files && this.open < this.maxOpen) {
      files.fds.set(path, fd);
      this.open++;
    } else {
      closeSync(fd);
    }
    return text;
  }

  /** Closes every descriptor (agent shutdown). */
  closeAll(): void {
    for (const id of [...this.containers.keys()]) this.forget(id);
  }

  private readAll(fd: number): string | undefined {
    try {
      for (;;) {
        const n = readSync(fd, this.buffer, 0, this.buffer.length, 0);
        if (n < this.buffer.length) return this.buffer.toString('latin1', 0, n);
        this.buffer = Buffer.allocUnsafe(this.buffer.length * 2);
      }
    } catch {
      return undefined;
    }
  }

  private forget(id: string): void {
    const files = this.containers.get(id);
    if (!files) return;
    for (const [path, fd] of files.fds) this.close(files, path, fd);
    this.containers.delete(id);
  }

  private close(files: ContainerFiles, path: string, fd: number): void {
    files.fds.delete(path);
    this.open--;
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
}
