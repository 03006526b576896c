import type { LogStreamName } from './logFrameDecoder';

/** One log event of a container as the rest of dockwatch sees it (a line, or a joined multi-line event). */
export type LogEntry = {
  containerId: string;
  container: string;
  labels: Record<string, string>;
  stream: LogStreamName;
  /** Time of the (first) line, ns since the epoch, as the engine stamped it. */
  ts: bigint;
  /** The same in ms. */
  timeMs: number;
  text: string;
  /** Number of lines joined into this event. */
  lines: number;
  /** A line was cut at `logs.maxLineBytes`. */
  truncated: boolean;
};
