import type Docker from 'dockerode';
import { parseEventLine, type EngineEvent } from './engineEvent';

/** An open event stream; `close()` ends it without reporting an error. */
export type EventStreamHandle = { close(): void };

/**
 * Follows the engine's event stream from `since` (inclusive, `seconds.nanoseconds`), calling `onEvent` per event and
 * `onEnd` once when the stream ends or fails (not after `close()`).
 */
export async function openEventStream(
  docker: Docker,
  since: string | undefined,
  onEvent: (e: EngineEvent) => void,
  onEnd: (err?: Error) => void,
): Promise<EventStreamHandle> {
  const opts: Record<string, unknown> = { filters: { type: ['container', 'image', 'daemon', 'network'] } };
  if (since) opts.since = since;
  const stream = (await docker.getEvents(opts)) as NodeJS.ReadableStream & { destroy(): void };
  let buffer = '';
  let closed = false;
  const finish = (err?: Error) => {
    if (closed) return;
    closed = true;
    onEnd(err);
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      try {
        onEvent(parseEventLine(line));
      } catch {
        // a malformed line is skipped; the stream itself is still good
      }
    }
  });
  stream.on('end', () => finish());
  stream.on('close', () => finish());
  stream.on('error', (err: Error) => finish(err));
  return {
    close() {
      closed = true;
      stream.destroy();
    },
  };
}
