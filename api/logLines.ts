import type { LogLine } from '../bot/agentClient';
import { LogLineSplitter } from '../bot/logLineSplitter';

/**
 * The lines of a finished (not followed) log read: demultiplexed unless the container has a TTY, split on newlines,
 * each line's leading timestamp (from `timestamps=true`) moved to `time`; then only those matching `grep`.
 */
export function splitLogLines(body: Buffer, tty: boolean, grep?: RegExp): LogLine[] {
  const splitter = new LogLineSplitter(tty, grep);
  return [...splitter.push(body), ...splitter.end()];
}
