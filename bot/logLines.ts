import { LogFrameDecoder } from '../agent/logs/logFrameDecoder';
import type { LogLine } from './agentClient';

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

/**
 * The lines of a finished (not followed) log read: demultiplexed unless the container has a TTY, split on newlines,
 * each line's leading timestamp (from `timestamps=true`) moved to `time`; then only those matching `grep`.
 */
export function splitLogLines(body: Buffer, tty: boolean, grep?: RegExp): LogLine[] {
  const frames = tty ? [{ stream: 'stdout' as const, data: body }] : new LogFrameDecoder().push(body);
  const partial: Record<LogLine['stream'], string> = { stdout: '', stderr: '' };
  const lines: LogLine[] = [];
  const emit = (stream: LogLine['stream'], raw: string) => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const stamp = TIMESTAMP.exec(text);
    const line: LogLine = stamp ? { stream, time: stamp[1], text: text.slice(stamp[0].length) } : { stream, text };
    if (!grep || grep.test(line.text)) lines.push(line);
  };
  for (const frame of frames) {
    const parts = (partial[frame.stream] + frame.data.toString('utf8')).split('\n');
    partial[frame.stream] = parts.pop() ?? '';
    for (const part of parts) emit(frame.stream, part);
  }
  for (const stream of ['stdout', 'stderr'] as const) if (partial[stream]) emit(stream, partial[stream]);
  return lines;
}
