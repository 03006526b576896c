import { AgentError, type LogFollowQuery, type LogLine } from '../agentClient';
import type { AgentHttp } from './agentHttp';
import { objectOf } from './remoteViews';

/** Longest silence on a follow's connection before the agent counts as gone (it sends a heartbeat every 10 s). */
export const FOLLOW_IDLE_TIMEOUT_MS = 35_000;

/** Longest NDJSON line accepted from an agent (a log line is cut at 64 KiB before it is sent). */
const MAX_LINE_CHARS = 1024 * 1024;

/**
 * Follows a container's logs over the control API (`GET …/:id/logs/follow`, NDJSON): yields each line as it is read,
 * reading the next chunk only when asked (the socket's backpressure holds the agent back), ends on the agent's
 * `{end: true}` (the container stopped), rejects with an AgentError on its error line or a connection that breaks
 * without that end, and closes the connection when `signal` aborts or the reader stops.
 */
export async function* followRemoteLogs(
  http: AgentHttp,
  path: string,
  query: LogFollowQuery,
  hostName: () => string,
): AsyncGenerator<LogLine> {
  const { signal } = query;
  if (signal.aborted) return;
  const params = new URLSearchParams();
  if (query.tail !== undefined) params.set('tail', String(query.tail));
  if (query.sinceMs !== undefined) params.set('since', String(Math.max(0, Math.floor(query.sinceMs))));
  if (query.grep) params.set('grep', query.grep.source);
  const search = params.size ? `?${params.toString()}` : '';
  const res = await http.open({ method: 'GET', path: `${path}${search}`, signal }, FOLLOW_IDLE_TIMEOUT_MS);
  const close = () => res.destroy();
  signal.addEventListener('abort', close, { once: true });
  res.setEncoding('utf8');
  let partial = '';
  try {
    for await (const chunk of res as AsyncIterable<string>) {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      if (partial.length > MAX_LINE_CHARS) throw new AgentError(`host ${hostName()} sent an oversized log line`);
      for (const part of parts) {
        if (part.trim() === '') continue;
        const message = parseLine(part, hostName());
        if (message === 'end') return;
        yield message;
      }
    }
    if (signal.aborted) return;
    throw new AgentError(`host ${hostName()} closed the log stream without saying it ended`);
  } catch (err) {
    if (signal.aborted) return;
    throw http.failure(err as Error);
  } finally {
    signal.removeEventListener('abort', close);
    res.destroy();
  }
}

function parseLine(text: string, host: string): LogLine | 'end' {
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new AgentError(`host ${host} sent a log stream line that is not JSON`);
  }
  const fields = objectOf(body, host);
  if (fields.end === true) return 'end';
  if (typeof fields.error === 'string') {
    throw new AgentError(fields.kind === 'agent' ? fields.error : `host ${host}: ${fields.error}`);
  }
  const line = objectOf(fields.line, host);
  if ((line.stream !== 'stdout' && line.stream !== 'stderr') || typeof line.text !== 'string') {
    throw new AgentError(`host ${host} sent a malformed log line`);
  }
  return {
    stream: line.stream,
    text: line.text,
    ...(typeof line.time === 'string' ? { time: line.time } : {}),
  };
}
