import type Docker from 'dockerode';
import type { ContainerRecord } from '../inventory/containerRecord';
import type { ContainerSample } from './containerSample';
import type { StatsCollector } from './statsCollector';
import type { DeviceNameResolver, EngineBlkioEntry, EngineStatsPayload } from './engineStatsParser';
import { hasEngineSample, parseEngineStats } from './engineStatsParser';
import { mapWithConcurrency } from './concurrency';

/** Fetches one container's stats payload (one request, not a stream). */
export type FetchEngineStats = (id: string) => Promise<EngineStatsPayload>;

/** Options of the Engine API collector. */
export type ApiCollectorOptions = {
  fetchStats: FetchEngineStats;
  /** Most stats requests in flight at once; each takes ~1-2 s on the engine side. */
  concurrency: number;
  now?: () => number;
  /** Names devices (`/dev/vda`); may be async like the cgroup collectors' namer. Failures keep `MAJ:MIN`. */
  deviceName?: (major: number, minor: number) => string | Promise<string>;
  /** The `id` label cAdvisor would show; defaults to `/docker/<id>` (cgroupfs driver). */
  cgroupPath?: (container: ContainerRecord) => string;
  /** Called once per container whose request failed (404 after it stopped, timeout, 5xx); it is left out. */
  onError?: (id: string, error: unknown) => void;
};

/** Stats collector over the Engine API: the fallback when the cgroup files are not reachable. */
export function apiCollector(opts: ApiCollectorOptions): StatsCollector {
  if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) {
    throw new RangeError(`api collector concurrency must be a positive integer, got ${opts.concurrency}`);
  }
  const now = opts.now ?? Date.now;
  const sampleOne = async (container: ContainerRecord): Promise<ContainerSample | undefined> => {
    let stats: EngineStatsPayload;
    try {
      stats = await opts.fetchStats(container.id);
    } catch (error) {
      opts.onError?.(container.id, error);
      return undefined;
    }
    if (!hasEngineSample(stats)) return undefined;
    const timestampMs = now();
    const deviceName = opts.deviceName ? await resolveDeviceNames(stats, opts.deviceName) : undefined;
    const sample = parseEngineStats(container.id, stats, timestampMs, deviceName);
    if (opts.cgroupPath) sample.cgroupPath = opts.cgroupPath(container);
    return sample;
  };
  return {
    name: 'api',
    async collect(containers) {
      const samples = await mapWithConcurrency(containers, opts.concurrency, sampleOne);
      return samples.filter((sample): sample is ContainerSample => sample !== undefined);
    },
  };
}

/** Looks up the names of every device in the payload up front, so the parser can stay pure and synchronous. */
async function resolveDeviceNames(
  stats: EngineStatsPayload,
  deviceName: NonNullable<ApiCollectorOptions['deviceName']>,
): Promise<DeviceNameResolver> {
  const blkio = stats.blkio_stats;
  const devices = new Map<string, EngineBlkioEntry>();
  for (const entry of [...(blkio?.io_service_bytes_recursive ?? []), ...(blkio?.io_serviced_recursive ?? [])]) {
    devices.set(`${entry.major}:${entry.minor}`, entry);
  }
  const names = new Map<string, string>();
  await Promise.all(
    [...devices].map(async ([key, { major, minor }]) => {
      names.set(
        key,
        await Promise.resolve()
          .then(() => deviceName(major, minor))
          .catch(() => key),
      );
    }),
  );
  return (major, minor) => names.get(`${major}:${minor}`) ?? `${major}:${minor}`;
}

/** Options of {@link dockerStatsFetcher}. */
export type DockerStatsFetcherOptions = {
  /** Per-request deadline; the engine answers in ~1-2 s, so a request that takes far longer is abandoned. */
  timeoutMs?: number;
};

/** Builds `fetchStats` on dockerode; asks for `one-shot=true` when the negotiated API version is 1.41 or newer. */
export function dockerStatsFetcher(
  docker: Docker,
  apiVersion: string,
  fetcherOpts: DockerStatsFetcherOptions = {},
): FetchEngineStats {
  const oneShot = apiVersionAtLeast(apiVersion, 1, 41);
  const timeoutMs = fetcherOpts.timeoutMs ?? 10_000;
  return async (id) => {
    // dockerode's option type lacks abortSignal, which docker-modem strips from the query and honours.
    const options: { stream: false; 'one-shot'?: boolean; abortSignal: AbortSignal } = {
      stream: false,
      abortSignal: AbortSignal.timeout(timeoutMs),
    };
    if (oneShot) options['one-shot'] = true;
    // dockerode types the payload for cgroup v1 only; EngineStatsPayload describes both shapes.
    return (await docker.getContainer(id).stats(options)) as EngineStatsPayload;
  };
}

/** True when an API version such as `1.41` or `v1.44` is at least `major.minor`. */
export function apiVersionAtLeast(version: string, major: number, minor: number): boolean {
  const match = /^v?(\d+)\.(\d+)/.exec(version.trim());
  if (!match) return false;
  const [gotMajor, gotMinor] = [Number(match[1]), Number(match[2])];
  return gotMajor > major || (gotMajor === major && gotMinor >= minor);
}
