import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { freePort } from './freePort';
import { startServerProcess } from './serverProcess';
import { runTool } from './toolRun';

export {
  dockerCli,
  pushFreshImage,
  pushTestApp,
  pushTestAppAs,
  testAppImage,
  TEST_APP_VERSIONS,
} from './registryTestApp';
export type { PushedImage, PushedTestApp, TestAppVersion } from './registryTestApp';

/** Debian's distribution registry 2.8 and htpasswd (scripts/ensure-monitoring.sh installs them). */
export const REGISTRY_BIN = process.env.REGISTRY_BIN ?? '/usr/bin/docker-registry';
export const HTPASSWD_BIN = process.env.HTPASSWD_BIN ?? '/usr/bin/htpasswd';

/** A username and password the registry accepts (htpasswd, bcrypt). */
export type RegistryUser = { username: string; password: string };

/** What {@link startRegistry} serves: anonymous by default, or only to one htpasswd user. */
export type RegistryOptions = { auth?: RegistryUser };

/** A running registry on 127.0.0.1 (plain HTTP, which the engine allows for 127.0.0.0/8). */
export type RunningRegistry = {
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  host: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The htpasswd user when started with auth. */
  auth: RegistryUser | undefined;
  /** A docker CLI config dir of its own (logged in for an auth registry), used by pushes: `docker --config DIR`. */
  dockerConfigDir: string;
  /** The registry's log (stderr), for failure messages. */
  log(): string;
  /** SIGSTOPs the registry: connections are accepted (by the kernel) and never answered, as a hung registry does. */
  stall(): void;
  /** SIGCONTs a stalled registry: what was held is answered. */
  resume(): void;
  /** Kills the registry, waits for it to exit and removes its storage and config; safe to call twice. */
  stop(): Promise<void>;
};

async function htpasswdLine(user: RegistryUser): Promise<string> {
  const result = await runTool(HTPASSWD_BIN, ['-Bbn', user.username, user.password]);
  if (result.code !== 0) throw new Error(`htpasswd failed (${result.code}): ${result.output}`);
  return `${result.output.trim()}\n`;
}

function registryConfig(dir: string, address: string, auth: boolean): string {
  return YAML.stringify({
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: path.join(dir, 'data') }, delete: { enabled: true } },
    http: { addr: address, secret: 'dockwatch-test-registry' },
    ...(auth && { auth: { htpasswd: { realm: 'dockwatch-test', path: path.join(dir, 'htpasswd') } } }),
  });
}

async function launch(dir: string, opts: RegistryOptions): Promise<RunningRegistry> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  const configFile = path.join(dir, `config-${port}.yml`);
  await writeFile(configFile, registryConfig(dir, host, opts.auth !== undefined));
  const server = await startServerProcess({
    name: 'docker-registry',
    bin: REGISTRY_BIN,
    args: ['serve', configFile],
    readyUrl: `${url}/v2/`,
    isReady: (res) => res.status === 200 || res.status === 401,
    what: `docker-registry at ${url} to answer /v2/`,
    timeoutMs: 20_000,
    intervalMs: 50,
  });
  return {
    host,
    url,
    auth: opts.auth,
    dockerConfigDir: path.join(dir, 'docker-cli'),
    log: server.log,
    stall: () => server.signal('SIGSTOP'),
    resume: () => server.signal('SIGCONT'),
    stop: server.stop,
  };
}

/**
 * Starts Debian's `docker-registry serve` on a free 127.0.0.1 port with storage in a temp dir (optionally behind
 * htpasswd auth, the CLI config dir then logged in), waits until `/v2/` answers, and returns a handle to stop it.
 */
export async function startRegistry(opts: RegistryOptions = {}): Promise<RunningRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dockwatch-registry-'));
  try {
    if (opts.auth) await writeFile(path.join(dir, 'htpasswd'), await htpasswdLine(opts.auth));
    let running: RunningRegistry | undefined;
    for (let attempt = 1; !running; attempt += 1) {
      try {
        running = await launch(dir, opts);
      } catch (err) {
        if (attempt >= 3 || !/address already in use/i.test(String(err))) throw err;
      }
    }
    const registry = running;
    if (opts.auth) {
      await runLogin(registry, opts.auth);
    }
    let stopped = false;
    return {
      ...registry,
      async stop() {
        if (stopped) return;
        stopped = true;
        await registry.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function runLogin(registry: RunningRegistry, user: RegistryUser): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'docker',
      ['--config', registry.dockerConfigDir, 'login', '--username', user.username, '--password-stdin', registry.host],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`docker login ${registry.host} failed (${code}): ${output.trim()}`)),
    );
    child.stdin.end(user.password);
  });
}

/** The manifest digest a registry serves for `repo:tag` (HEAD, as the engine asks), or undefined if unknown. */
export async function registryDigest(
  registry: RunningRegistry,
  repo: string,
  tag: string,
): Promise<string | undefined> {
  const headers: Record<string, string> = {
    accept: [
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.oci.image.index.v1+json',
    ].join(', '),
  };
  if (registry.auth) {
    const { username, password } = registry.auth;
    headers['authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`HEAD ${repo}:${tag} on ${registry.host}: HTTP ${res.status}`);
  return res.headers.get('docker-content-digest') ?? undefined;
}
