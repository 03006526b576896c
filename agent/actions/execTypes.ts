import type { ActionOptions } from './containerActions';

/** `exec`: how long the process may run, how much output is kept, and a signal that cancels (and kills) it. */
export type ExecOptions = ActionOptions & { timeoutMs: number; maxOutputBytes?: number; signal?: AbortSignal };

/** How an exec ended: its exit code (absent if unknown), its output (stdout and stderr as they came), a kill. */
export type ExecResult = {
  container: string;
  argv: string[];
  exitCode?: number;
  /** stdout and stderr, demultiplexed and interleaved as they arrived, at most `maxOutputBytes`. */
  output: string;
  /** Bytes the process wrote; more than `output` holds when `truncated`. */
  outputBytes: number;
  truncated: boolean;
  /** It ran past the timeout (or the request was cancelled) and was killed. */
  timedOut: boolean;
  /** How the kill went, when there was one. */
  kill?: { killed: boolean; how: string };
  durationMs: number;
};
