import type { LogStream } from '../config/alertRule';

/**
 * What the rule engine is fed. The agent adapts its own data to these shapes. Times are ms since the epoch and are
 * kept for the record; the engine orders everything by its injected clock, so input replayed after an agent restart
 * counts when it arrives.
 */

/** A container as rules select and name it. */
export type ContainerRef = {
  id: string;
  /** Name without the leading slash. */
  name: string;
  labels: Readonly<Record<string, string>>;
};

/** One log line, or one multi-line event joined by the tailer. */
export type LogLine = {
  container: ContainerRef;
  stream: LogStream;
  time: number;
  text: string;
};

/** Engine event actions the rules use; `kill` comes first in `docker stop` (kill → die → stop). */
export type ContainerEvent = { container: ContainerRef; time: number } & (
  | { action: 'die'; exitCode: number }
  | { action: 'kill'; signal?: number }
  | { action: 'health_status'; status: 'healthy' | 'unhealthy' }
  | { action: 'oom' | 'start' | 'restart' | 'stop' | 'destroy' }
);

/**
 * What the update check found for a running container: whether its tag now points to another image in the registry
 * (`digest`: that image's manifest digest for this host's platform), or not (it runs the tag's image).
 */
export type ImageUpdate = {
  container: ContainerRef;
  /** The image reference as the container was created with it (`registry/app:latest`). */
  image: string;
  available: boolean;
  digest?: string;
};

/** The figures of one running container after a sampling pass. */
export type ContainerMetrics = {
  container: ContainerRef;
  /** Percent of one core, as `docker stats` shows it (two busy cores: 200). */
  cpuPercent: number;
  /** Undefined when the container has no memory limit. */
  memoryPercentOfLimit?: number;
  workingSetBytes: number;
  memoryUsageBytes: number;
  restartCount: number;
};

/** One sampling pass over the running containers. */
export type MetricsSnapshot = { time: number; containers: readonly ContainerMetrics[] };
