import type { MetricFamily } from './metricFamily';

/** What the log families read: the tailer's counts. */
export type LogSource = {
  lineCounts(): { container: string; stream: 'stdout' | 'stderr'; lines: number }[];
  truncatedCounts(): { container: string; lines: number }[];
  droppedCounts(): { container: string; reason: string; lines: number }[];
  readonly openStreams: number;
};

/** Log tailing: lines read, cut and dropped per container, open log streams. */
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
      name: 'dockwatch_log_lines_truncated_total',
      help: 'Log lines cut at logs.maxLineBytes (handed to the rules cut), by container name, since the agent started.',
      type: 'counter',
      collect: () => logs.truncatedCounts().map((c) => ({ value: c.lines, labels: { name: c.container } })),
    },
    {
      name: 'dockwatch_log_lines_dropped_total',
      help: 'Log lines never handed to the rules, by container name and reason, since the agent started.',
      type: 'counter',
      collect: () =>
        logs.droppedCounts().map((c) => ({ value: c.lines, labels: { name: c.container, reason: c.reason } })),
    },
    {
      name: 'dockwatch_log_streams_open',
      help: 'Containers whose log stream is being followed now.',
      type: 'gauge',
      collect: () => [{ value: logs.openStreams }],
    },
  ];
}
