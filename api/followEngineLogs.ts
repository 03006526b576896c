import type Docker from 'dockerode';
import { formatSince, parseLogTimestamp, STREAM_RACE_NS } from '../agent/logs/logTimestamp';
import type { LogFollowQuery, LogLine } from '../bot/agentClient';
import { LogLineSplitter, type SplitPosition } from '../bot/logLineSplitter';

/**
 * Follows a container's logs through the engine (`follow=true`, both streams, with times): the last `tail` lines, or
 * those since `sinceMs`, or else only new ones, then each line as it is written. Ends when the engine ends the stream
 * (the container stopped) or `signal` aborts; the stream is pulled, so a slow reader holds the engine back instead of
 * making lines pile up here, and it is destroyed when the reader stops early. As dockerd 20.10 can end a follow
 * before it has sent the whole log of a container that stopped, an ended follow (without a TTY: its log is kept in
 * chunks, not lines) is read once more from its last line's time, and only the lines after it are yielded.
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
    const at = splitter.position;
    const seen = at.stdout !== undefined || at.stderr !== undefined;
    const rest = tty || !seen || signal.aborted ? undefined : await readAfter(docker, id, query, at);
    yield* rest ?? splitter.end();
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    signal.removeEventListener('abort', close);
    stream.destroy();
  }
}

/**
 * The lines of a stopped container's log after `at` (read without following, so to the end, from STREAM_RACE_NS
 * before the earlier stream's last line), or undefined when the engine does not give them (the container is gone).
 */
async function readAfter(
  docker: Docker,
  id: string,
  query: LogFollowQuery,
  at: SplitPosition,
): Promise<LogLine[] | undefined> {
  const times = [at.stdout, at.stderr].flatMap((mark) => {
    const ns = mark && parseLogTimestamp(mark.time);
    return ns === undefined ? [] : [ns];
  });
  if (!times.length) return undefined;
  const earliest = times.reduce((a, b) => (a < b ? a : b)) - STREAM_RACE_NS;
  const since = formatSince(earliest > 0n ? earliest : 0n);
  const opts = { follow: false, stdout: true, stderr: true, timestamps: true, since };
  let body: unknown;
  try {
    body = await docker.getContainer(id).logs({ ...opts, abortSignal: query.signal } as { follow: false });
  } catch {
    return undefined;
  }
  const splitter = new LogLineSplitter(false, query.grep, at);
  return [...splitter.push(Buffer.isBuffer(body) ? body : Buffer.from(String(body))), ...splitter.end()];
}
