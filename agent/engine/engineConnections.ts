import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';
import type { DockerEndpoint, DockerTls } from './dockerHost';
import { EngineNoAnswerError } from './engineWatchdog';

/** Requests the engine may leave unanswered at once before new ones fail at once (a resync inspects 16 at a time). */
export const MAX_UNANSWERED_REQUESTS = 32;

type CreateConnection = (
  options: object,
  callback?: (err: Error | null, socket?: Duplex) => void,
) => Duplex | undefined;

/**
 * An HTTP(S) agent for requests to the engine. Over TLS the request carries ca, cert and key (docker-modem sets them);
 * the agent only says whether to verify.
 */
export function engineAgent(
  endpoint: DockerEndpoint,
  tls: DockerTls | undefined,
  opts: { keepAlive: boolean; maxSockets?: number },
): http.Agent {
  const agent =
    endpoint.kind === 'tcp' && endpoint.tls
      ? new https.Agent({ ...opts, ...(tls?.verify === false ? { rejectUnauthorized: false } : {}) })
      : new http.Agent(opts);
  // docker-modem runs util.inspect (showHidden, no depth limit) over every request's options, the agent included:
  // walking its sockets and requests made each request cost more the more were in flight (~50 ms at 30).
  Object.defineProperty(agent, inspect.custom, { value: () => '[dockwatch engine agent]' });
  return agent;
}

/**
 * The HTTP agent every request to the engine goes through but a resync's inspects (dockerode's `agent` option), without keep-alive, so
 * each socket is one request: it counts the requests the engine has not answered yet (no byte back), refuses new
 * ones while `maxUnanswered` wait (so they cannot pile up on an engine that stopped answering), and cuts them all at
 * once when the engine is found stalled, so nothing waits on it forever.
 */
export class EngineConnections {
  /** The agent to give dockerode. */
  readonly agent: http.Agent;
  private readonly open = new Set<Duplex>();
  private readonly unanswered = new Set<Duplex>();

  constructor(
    endpoint: DockerEndpoint,
    tls: DockerTls | undefined,
    private readonly maxUnanswered = MAX_UNANSWERED_REQUESTS,
    /** Called when a request is refused because `maxUnanswered` are waiting (e.g. to ask the engine now). */
    private readonly onFull: () => void = () => undefined,
  ) {
    this.agent = engineAgent(endpoint, tls, { keepAlive: false });
    const create = this.agent.createConnection.bind(this.agent) as CreateConnection;
    const wrapped: CreateConnection = (options, callback) => {
      if (this.unanswered.size >= this.maxUnanswered) {
        this.onFull();
        const err = new EngineNoAnswerError(`${this.unanswered.size} requests to it are still waiting for an answer`);
        callback?.(err);
        return undefined;
      }
      const socket = create(options, callback);
      if (socket) this.track(socket);
      return socket;
    };
    (this.agent as unknown as { createConnection: CreateConnection }).createConnection = wrapped;
  }

  /** Requests sent to the engine that it has not begun to answer (an answered event or log stream no longer counts). */
  get inFlight(): number {
    return this.unanswered.size;
  }

  /** Sockets open to the engine now: requests in flight, and streams (events, logs) being read. */
  get openSockets(): number {
    return this.open.size;
  }

  /** Destroys every open socket with `err`: each request waiting on them fails with it at once. */
  cut(err: Error): void {
    for (const socket of this.open) socket.destroy(err);
    this.open.clear();
    this.unanswered.clear();
  }

  private track(socket: Duplex): void {
    this.open.add(socket);
    this.unanswered.add(socket);
    // Attached before the HTTP client's own listener; gone before an upgrade hands the socket over (exec, attach).
    socket.once('data', () => this.unanswered.delete(socket));
    socket.once('close', () => {
      this.open.delete(socket);
      this.unanswered.delete(socket);
    });
  }
}
