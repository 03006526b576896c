import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { waitFor } from './waitFor';

/**
 * A second dockerd owned by one test (own data root, socket and network namespace from `unshare --net`), safe to kill and restart.
 * The network namespace matters: a dockerd started with --bridge=none deletes the host's docker0, and any second
 * daemon in the host namespace would fight the main one over docker0 and iptables.
 */
export type PrivateEngine = {
  host: string;
  docker: Docker;
  start(): Promise<void>;
  /** SIGTERM and wait for the process to exit. */
  kill(): Promise<void>;
  /** Kills it and removes its directories. */
  destroy(): Promise<void>;
};

/**
 * Creates (but does not start) a private engine under /tmp; `extraArgs` go to dockerd. With `hostNetwork` it stays
 * in the host's network namespace (so a TCP listener on 127.0.0.1 is reachable) and gets a bridge of its own.
 */
export function privateEngine(extraArgs: string[] = [], opts: { hostNetwork?: boolean } = {}): PrivateEngine {
  const dir = mkdtempSync(join(tmpdir(), 'dwde-'));
  const socket = join(dir, 'docker.sock');
  const host = `unix://${socket}`;
  const docker = new Docker({ socketPath: socket });
  const bridge = `dw${process.pid % 100000}${Math.random().toString(36).slice(2, 6)}`;
  if (opts.hostNetwork) execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge']);
  const launcher = opts.hostNetwork ? [] : ['unshare', '--net'];
  let child: ChildProcess | undefined;
  let log = '';
  const engine: PrivateEngine = {
    host,
    docker,
    async start() {
      const [command, ...args] = [
        ...launcher,
        'dockerd',
        `--data-root=${join(dir, 'data')}`,
        `--exec-root=${join(dir, 'exec')}`,
        `--pidfile=${join(dir, 'dockerd.pid')}`,
        `--host=${host}`,
        '--iptables=false',
        '--ip-masq=false',
        '--ip-forward=false',
        ...extraArgs,
        ...(opts.hostNetwork ? [`--bridge=${bridge}`] : []),
      ];
      child = spawn(command as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
      await waitFor(async () => (await docker.ping()) !== undefined, {
        what: `private dockerd at ${socket} to answer (log: ${log.slice(-500)})`,
        timeoutMs: 30_000,
        intervalMs: 200,
      });
    },
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      await exited;
      child = undefined;
    },
    async destroy() {
      await engine.kill();
      // dockerd leaves overlay and netns mounts behind when it is killed; unmount them, deepest first.
      const mounts = readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((line) => line.split(' ')[1] ?? '')
        .filter((mount) => mount.startsWith(dir))
        .sort((a, b) => b.length - a.length);
      for (const mount of mounts) {
        try {
          execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      if (opts.hostNetwork) execFileSync('ip', ['link', 'delete', bridge], { stdio: 'ignore' });
    },
  };
  return engine;
}

/** Copies an image from the main engine into another one (`docker save | docker load`). */
export function copyImage(image: string, toHost: string): void {
  const tar = execFileSync('docker', ['save', image], { maxBuffer: 64 * 1024 * 1024 });
  execFileSync('docker', ['-H', toHost, 'load', '-q'], { input: tar });
}
