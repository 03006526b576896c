import type http from 'node:http';
import type { AgentClient, LogFollowQuery } from '../bot/agentClient';
import { parseLogRequest } from './controlApiContainerRequests';
import { startNdjson } from './controlApiHttp';
import type { Logger } from '../shared/logger';

/**
 * One line of a followed log's NDJSON answer: a log line, then `{end: true}` when the container's stream ended, or an
 * error; blank lines in between are heartbeats that keep an idle connection open.
 */
export type FollowStreamLine =
  | { line: { stream: 'stdout' | 'stderr'; time?: string; text: string } }
  | { end: true }
  | { error: string; kind: 'agent' | 'internal' };

/** How often an idle follow sends a heartbeat (a blank line), well inside the bot's read timeout. */
export const FOLLOW_HEARTBEAT_MS = 10_000;

const INTERNAL_ERROR = "following the logs failed on the agent (the agent's log has the details)";

/** Reads `?tail=&since=&grep=` of a follow (as the logs endpoint does, but without a tail unless one is given). */
export function parseFollowRequest(query: URLSearchParams): Omit<LogFollowQuery, 'signal'> {
  const { tail, sinceMs, grep } = parseLogRequest(query);
  return {
    ...(query.has('tail') ? { tail } : {}),
    ...(sinceMs === undefined ? {} : { sinceMs }),
    ...(grep === undefined ? {} : { grep }),
  };
}

/**
 * Streams a container's followed log lines as NDJSON until its stream ends, the client goes away (`signal`), or it
 * fails. Each write waits for the socket to drain, so a slow client holds back the engine's stream instead of
 * growing a buffer here.
 */
export async function streamLogFollow(
  agent: AgentClient,
  container: { id: string; name: string },
  query: Omit<LogFollowQuery, 'signal'>,
  res: http.ServerResponse,
  signal: AbortSignal,
  logger: Logger,
  isUserFacing: (err: unknown) => err is Error,
): Promise<void> {
  startNdjson(res);
  const open = () => !res.destroyed && !res.writableEnded;
  const write = async (text: string) => {
    if (!open() || res.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done).off('close', done);
        resolve();
      };
      res.on('drain', done).on('close', done);
    });
  };
  const heartbeat = setInterval(() => {
    if (open() && res.writableLength === 0) res.write('\n');
  }, FOLLOW_HEARTBEAT_MS);
  const send = (line: FollowStreamLine) => write(`${JSON.stringify(line)}\n`);
  try {
    for await (const line of agent.followLogs(container.id, { ...query, signal })) {
      if (!open()) break;
      await send({ line });
    }
    if (!signal.aborted) await send({ end: true });
  } catch (err) {
    if (signal.aborted) return;
    if (isUserFacing(err)) await send({ error: err.message, kind: 'agent' });
    else {
      logger.error('control API log follow failed', { container: container.name, error: (err as Error).message });
      await send({ error: INTERNAL_ERROR, kind: 'internal' });
    }
  } finally {
    clearInterval(heartbeat);
    if (!res.destroyed) res.end();
  }
}
