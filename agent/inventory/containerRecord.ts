/** Engine states a container can be in (Docker's `State.Status`). */
export const CONTAINER_STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'] as const;

/** One of Docker's container states. */
export type ContainerState = (typeof CONTAINER_STATES)[number];

/** Health check states; `none` when the container has no health check. */
export const HEALTH_STATES = ['none', 'starting', 'healthy', 'unhealthy'] as const;

/** One of the health states. */
export type HealthState = (typeof HEALTH_STATES)[number];

/** Resource limits of a container as cAdvisor reports them in `container_spec_*`. */
export type ContainerSpec = {
  /** CFS quota in microseconds per period; undefined when unlimited. */
  cpuQuota?: number;
  cpuPeriod: number;
  cpuShares: number;
  /** 0 when unlimited. */
  memoryLimitBytes: number;
  /** Memory plus swap the container may use (the cgroup's memsw limit); 0 when unlimited. */
  memorySwapLimitBytes?: number;
  /** Soft memory limit (`--memory-reservation`); 0 when unset. */
  memoryReservationBytes?: number;
};

/** What the agent knows about one container, running or not. */
export type ContainerRecord = {
  id: string;
  /** Name without the leading slash. */
  name: string;
  /** Image reference as the container was created with it (`Config.Image`). */
  image: string;
  imageId: string;
  labels: Record<string, string>;
  composeProject?: string;
  composeService?: string;
  state: ContainerState;
  health: HealthState;
  restartCount: number;
  /** Exit code of the last run; undefined while it never exited. */
  exitCode?: number;
  /** Start time of the current or last run, seconds since the epoch. */
  startedAt?: number;
  /** Creation time, seconds since the epoch. */
  createdAt: number;
  /** Main process ID on the host; 0 when not running. */
  pid: number;
  /** `HostConfig.CgroupParent`, empty for the engine's default. */
  cgroupParent: string;
  /** `HostConfig.NetworkMode`: `host` containers share the host's interfaces. */
  networkMode: string;
  /** `Config.Tty`: the log stream is raw (stdout only), not multiplexed. */
  tty: boolean;
  /** `HostConfig.LogConfig.Type` (`json-file`, `local`, `journald`, …). */
  logDriver: string;
  spec: ContainerSpec;
};
