import type { TailTarget } from './containerLogTail';
import type { LogEntry } from './logEntry';
import type { LogStreamName } from './logFrameDecoder';

/**
 * The entry that stands for `lines` lines of a stream passed over (no rule could match them, so no entry was made),
 * for counters that count entries' lines (LogCheckpointLineCounts): no text, no time, only who and how many.
 */
export function passedLines(target: TailTarget, stream: LogStreamName, lines: number): LogEntry {
  return {
    containerId: target.id,
    container: target.name,
    labels: target.labels,
    stream,
    ts: 0n,
    timeMs: 0,
    text: '',
    lines,
    truncated: false,
  };
}
