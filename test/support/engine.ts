import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';

export { waitFor } from './waitFor';
export type { WaitForOptions } from './waitFor';

/** Label on every test container; scripts/test.sh removes whatever carries it. */
export const TEST_LABEL = 'dockwatch.test';
/** Label naming the test process that created a container, so parallel jest workers only clean up their own. */
export const TEST_RUN_LABEL = 'dockwatch.test.run';
/** Test images built by scripts/ensure-test-images.sh; they differ only in /VERSION ("1" or "2"). */
export const TEST_IMAGE_V1 = 'dockwatch-test/busybox:1';
export const TEST_IMAGE_V2 = 'dockwatch-test/busybox:2';
export type TestImage = typeof TEST_IMAGE_V1 | typeof TEST_IMAGE_V2;

/** Start time of this process in clock ticks since boot (field 22 of /proc/self/stat); undefined off Linux. */
function processStartTicks(): string | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * This process's run id (value of {@link TEST_RUN_LABEL}): `<pid>.<start ticks>`, which lets
 * scripts/remove-test-containers.sh spare the containers of a test process that is still running.
 */
export const testRunId = `${process.pid}.${processStartTicks() ?? randomBytes(4).toString('hex')}`;

/** A restart policy by name, or on-failure with a retry limit. */
export type TestRestartPolicy =
  'no' | 'always' | 'unless-stopped' | 'on-failure' | { name: 'on-failure'; maximumRetryCount: number };

/** A port to publish: container port to a host port (0 or absent: any free one) on 127.0.0.1 unless hostIp says. */
export type TestPort = { container: number; host?: number; protocol?: 'tcp' | 'udp'; hostIp?: string };

/** What {@link runTestContainer} runs; everything but `cmd` is optional. */
export type TestContainerOptions = {
  /** Readable part of the name; the container is named `dwtest-<name>-<random>`. */
  name?: string;
  cmd: string[];
  image?: TestImage;
  /** Memory limit in bytes, or with a unit: '8m', '64m', '1g'. Swap is off (memory-swap = memory) unless given. */
  memory?: number | string;
  memorySwap?: number | string;
  cpus?: number;
  labels?: Record<string, string>;
  restartPolicy?: TestRestartPolicy;
  /** A string runs through the shell (CMD-SHELL); an array runs as is (CMD). */
  healthCmd?: string | string[];
  /** Health check interval, default 1000 ms (Docker's own default of 30 s is too slow for tests). */
  healthIntervalMs?: number;
  healthTimeoutMs?: number;
  /** Consecutive failures before unhealthy, default 1. */
  healthRetries?: number;
  tty?: boolean;
  env?: Record<string, string> | string[];
  networkMode?: string;
  ports?: TestPort[];
  /** Bind mounts and volumes, as in `docker run -v`. */
  binds?: string[];
  /** The log driver and its options, as in `docker run --log-driver/--log-opt` (the engine's default if unset). */
  logConfig?: { Type: string; Config: Record<string, string> };
  user?: string;
  stopTimeoutSeconds?: number;
  /** Create only (state "created") when false; default true. */
  start?: boolean;
  /** Removed by the engine once it exits, as `docker run --rm`. */
  autoRemove?: boolean;
};

/** The container {@link runTestContainer} created. */
export type TestContainer = { id: string; name: string };

let docker: Docker | undefined;

/** The Docker client for tests: DOCKER_HOST when set, else the default socket; the API version is negotiated. */
export function testDocker(): Docker {
  docker ??= new Docker();
  return docker;
}

const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Bytes from a number or a docker-style size ('8m', '512k', '1g', '1024'). */
export function parseBytes(size: number | string): number {
  if (typeof size === 'number') return size;
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg])?b?$/i.exec(size.trim());
  if (!match) throw new Error(`invalid size ${JSON.stringify(size)}: use bytes or a number with b, k, m or g`);
  return Math.round(Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1));
}

function containerName(name: string | undefined): string {
  const readable = (name ?? 'c').replace(/[^a-zA-Z0-9_.-]/g, '-');
  return `dwtest-${readable}-${randomBytes(4).toString('hex')}`;
}

function restartPolicy(policy: TestRestartPolicy | undefined): Docker.HostRestartPolicy | undefined {
  if (policy === undefined) return undefined;
  if (typeof policy === 'string') return { Name: policy };
  return { Name: policy.name, MaximumRetryCount: policy.maximumRetryCount };
}

function healthcheck(opts: TestContainerOptions): Docker.HealthConfig | undefined {
  if (opts.healthCmd === undefined) return undefined;
  const ms = 1_000_000;
  return {
    Test: typeof opts.healthCmd === 'string' ? ['CMD-SHELL', opts.healthCmd] : ['CMD', ...opts.healthCmd],
    Interval: (opts.healthIntervalMs ?? 1000) * ms,
    Timeout: (opts.healthTimeoutMs ?? 5000) * ms,
    Retries: opts.healthRetries ?? 1,
  };
}

function portConfig(ports: TestPort[] | undefined): Pick<Docker.ContainerCreateOptions, 'ExposedPorts'> & {
  PortBindings?: Record<string, Array<{ HostIp: string; HostPort: string }>>;
} {
  if (!ports?.length) return {};
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of ports) {
    const key = `${port.container}/${port.protocol ?? 'tcp'}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: port.hostIp ?? '127.0.0.1', HostPort: String(port.host ?? 0) });
  }
  return { ExposedPorts: exposed, PortBindings: bindings };
}

function isNoSuchImage(err: unknown): boolean {
  const e = err as { statusCode?: number; message?: string };
  return e?.statusCode === 404 && /no such image/i.test(e.message ?? '');
}

/**
 * Creates and starts a container from a test image, labelled dockwatch.test=1 (plus this process's run id) and
 * named `dwtest-…`. Remove it with {@link removeTestContainers} (or let scripts/test.sh do it).
 */
export async function runTestContainer(opts: TestContainerOptions): Promise<TestContainer> {
  const name = containerName(opts.name);
  const image = opts.image ?? TEST_IMAGE_V1;
  const memory = opts.memory === undefined ? undefined : parseBytes(opts.memory);
  const memorySwap = opts.memorySwap === undefined ? memory : parseBytes(opts.memorySwap);
  const env = Array.isArray(opts.env) ? opts.env : Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const { ExposedPorts, PortBindings } = portConfig(opts.ports);
  const create: Docker.ContainerCreateOptions = {
    name,
    Image: image,
    Cmd: opts.cmd,
    Tty: opts.tty ?? false,
    Env: env,
    User: opts.user,
    StopTimeout: opts.stopTimeoutSeconds,
    Labels: { ...opts.labels, [TEST_LABEL]: '1', [TEST_RUN_LABEL]: testRunId },
    Healthcheck: healthcheck(opts),
    ExposedPorts,
    HostConfig: {
      AutoRemove: opts.autoRemove,
      Memory: memory,
      MemorySwap: memorySwap,
      NanoCpus: opts.cpus === undefined ? undefined : Math.round(opts.cpus * 1e9),
      RestartPolicy: restartPolicy(opts.restartPolicy),
      NetworkMode: opts.networkMode,
      PortBindings,
      Binds: opts.binds,
      LogConfig: opts.logConfig,
    },
  };
  let container: Docker.Container;
  try {
    container = await testDocker().createContainer(create);
  } catch (err) {
    if (isNoSuchImage(err)) {
      throw new Error(`test image ${image} is missing: run scripts/ensure-test-images.sh (or scripts/test.sh)`, {
        cause: err,
      });
    }
    throw err;
  }
  if (opts.start ?? true) {
    try {
      await container.start();
    } catch (err) {
      await container.remove({ force: true, v: true }).catch(() => undefined);
      throw err;
    }
  }
  return { id: container.id, name };
}

/** The host port a container port was published on (after start), e.g. for `ports: [{ container: 80 }]`. */
export async function publishedPort(
  id: string,
  containerPort: number,
  protocol: 'tcp' | 'udp' = 'tcp',
): Promise<number> {
  const info = await testDocker().getContainer(id).inspect();
  const binding = info.NetworkSettings.Ports?.[`${containerPort}/${protocol}`]?.[0];
  if (!binding) throw new Error(`container ${id} does not publish ${containerPort}/${protocol}`);
  return Number(binding.HostPort);
}

/**
 * Force-removes (with anonymous volumes) the test containers this process created, or with `everyRun` every
 * container labelled dockwatch.test=1, including other jest workers' and leftovers. Returns how many were removed.
 */
export async function removeTestContainers(options: { everyRun?: boolean } = {}): Promise<number> {
  const label = options.everyRun ? `${TEST_LABEL}=1` : `${TEST_RUN_LABEL}=${testRunId}`;
  const found = await testDocker().listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(
    found.map((c) =>
      testDocker()
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch((err: { statusCode?: number }) => {
          if (err?.statusCode !== 404 && err?.statusCode !== 409) throw err;
        }),
    ),
  );
  return found.length;
}
