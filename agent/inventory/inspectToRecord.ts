import type { ContainerInspectInfo } from 'dockerode';
import { CONTAINER_STATES, type ContainerRecord, type ContainerState, type HealthState } from './containerRecord';

const DEFAULT_CFS_PERIOD_US = 100_000;
const DEFAULT_CPU_SHARES = 1024;

/**
 * States in which the engine's health status says how the container runs. Once it stopped, the last status says
 * nothing: a probe in flight at the stop fails against the dying process and leaves `unhealthy` behind (every `docker
 * stop` of a container whose probe takes a while), and `docker ps` shows no health for a stopped container either.
 */
const HEALTH_SHOWN_IN: ReadonlySet<ContainerState> = new Set(['running', 'paused']);

/** Seconds since the epoch of an engine timestamp (RFC 3339, nanoseconds kept); undefined for Go's zero time. */
export function engineTimeToSeconds(iso: string | undefined): number | undefined {
  if (!iso || iso.startsWith('0001-')) return undefined;
  const m = /^(.*?)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  if (!m) return undefined;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  return Number.isNaN(whole) ? undefined : whole / 1000 + Number(m[2] ?? 0);
}

/**
 * The memory+swap limit the engine writes to the cgroup: `MemorySwap` when set, twice `Memory` when only that is
 * set (the engine's default), else unlimited (0, as cAdvisor reports an unlimited cgroup).
 */
function swapLimit(memory: number, memorySwap: number): number {
  if (memorySwap > 0) return memorySwap;
  if (memorySwap === 0 && memory > 0) return 2 * memory;
  return 0;
}

/** Builds the agent's record of a container from `GET /containers/{id}/json`. */
export function inspectToRecord(info: ContainerInspectInfo): ContainerRecord {
  const state = info.State;
  const host = info.HostConfig ?? {};
  const labels = info.Config?.Labels ?? {};
  const status = (CONTAINER_STATES as readonly string[]).includes(state.Status)
    ? (state.Status as ContainerState)
    : 'dead';
  const health = ((state as { Health?: { Status?: string } }).Health?.Status ?? 'none') as HealthState;
  const period = host.CpuPeriod && host.CpuPeriod > 0 ? host.CpuPeriod : DEFAULT_CFS_PERIOD_US;
  let quota: number | undefined;
  if (host.CpuQuota && host.CpuQuota > 0) quota = host.CpuQuota;
  else if (host.NanoCpus && host.NanoCpus > 0) quota = Math.round((host.NanoCpus * period) / 1e9);
  const ran = engineTimeToSeconds(state.FinishedAt) !== undefined || status === 'exited' || status === 'dead';
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config?.Image ?? '',
    imageId: info.Image,
    labels,
    composeProject: labels['com.docker.compose.project'],
    composeService: labels['com.docker.compose.service'],
    state: status,
    health: HEALTH_SHOWN_IN.has(status) && ['starting', 'healthy', 'unhealthy'].includes(health) ? health : 'none',
    restartCount: info.RestartCount ?? 0,
    exitCode: ran ? state.ExitCode : undefined,
    startedAt: engineTimeToSeconds(state.StartedAt),
    createdAt: engineTimeToSeconds(info.Created) ?? 0,
    pid: state.Pid ?? 0,
    cgroupParent: host.CgroupParent ?? '',
    networkMode: host.NetworkMode ?? 'default',
    tty: info.Config?.Tty ?? false,
    logDriver: host.LogConfig?.Type ?? '',
    spec: {
      cpuQuota: quota,
      cpuPeriod: period,
      cpuShares: host.CpuShares && host.CpuShares > 0 ? host.CpuShares : DEFAULT_CPU_SHARES,
      memoryLimitBytes: host.Memory && host.Memory > 0 ? host.Memory : 0,
      memorySwapLimitBytes: swapLimit(host.Memory ?? 0, host.MemorySwap ?? 0),
      memoryReservationBytes: host.MemoryReservation && host.MemoryReservation > 0 ? host.MemoryReservation : 0,
    },
  };
}
