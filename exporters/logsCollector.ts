import type { MetricFamily } from './metricFamily';

/** What the log families read: the tailer's counts. */
export type LogSource = {
  lineCounts(): { container: string; stream: 'stdout' | 'stderr'; lines: number }[];
  readonly openStreams: number;
};

/** Log tailing: lines read per container and stream, open log streams. */
export function logFamilies(logs: LogSource): MetricFamily[] {
  return [
    {
      name: 'dockwatch_log_lines_total',
      help: 'Log lines read, by container name and stream (stdout, stderr), since the agent started.',
      type: 'counter',
      collect: () =>
        logs.lineCounts().map((c) => ({ value: c.lines, labels: { name: c.container, stream: c.stream } })),
    },
    {
      name: 'dockwatch_log_streams_open',
      help: 'Containers whose log stream is being followed now.',
      type: 'gauge',
      collect: () => [{ value: logs.openStreams }],
    },
  ];
}
