import type Docker from 'dockerode';
import type { LogFollowQuery, LogLine } from '../bot/agentClient';
import { LogLineSplitter } from '../bot/logLineSplitter';

/**
 * Follows a container's logs through the engine (`follow=true`, both streams, with times): the last `tail` lines, or
 * those since `sinceMs`, or else only new ones, then each line as it is written. Ends when the engine ends the stream
 * (the container stopped) or `signal` aborts; the stream is pulled, so a slow reader holds the engine back instead of
 * making lines pile up here, and it is destroyed when the reader stops early.
 */
export async function* followEngineLogs(
  docker: Docker,
  id: string,
  tty: boolean,
  query: LogFollowQuery,
): AsyncGenerator<LogLine> {
  const { signal } = query;
  if (signal.aborted) return;
  const opts = {
    follow: true,
    stdout: true,
    stderr: true,
    timestamps: true,
    ...(query.sinceMs === undefined ? {} : { since: (query.sinceMs / 1000).toFixed(3) }),
    ...(query.tail !== undefined ? { tail: query.tail } : query.sinceMs === undefined ? { tail: 0 } : {}),
    abortSignal: signal,
  };
  const stream = (await docker.getContainer(id).logs(opts as { follow: true })) as unknown as NodeJS.ReadableStream & {
    destroy(): void;
  };
  const close = () => stream.destroy();
  signal.addEventListener('abort', close, { once: true });
  const splitter = new LogLineSplitter(tty, query.grep);
  try {
    for await (const chunk of stream) {
      yield* splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    }
    yield* splitter.end();
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    signal.removeEventListener('abort', close);
    stream.destroy();
  }
}
