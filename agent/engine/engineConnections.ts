import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { DockerEndpoint, DockerTls } from './dockerHost';

/**
 * The one HTTP agent every request to the engine goes through (dockerode's `agent` option): no keep-alive, so each
 * open socket is one request in flight (event and log streams included), counted, and all of them can be cut at
 * once when the engine stops answering, so nothing waits on it forever and they cannot pile up.
 */
export class EngineConnections {
  /** The agent to give dockerode. */
  readonly agent: http.Agent;
  private readonly open = new Set<Duplex>();

  constructor(endpoint: DockerEndpoint, tls: DockerTls | undefined) {
    // Over TLS the request carries ca, cert and key (docker-modem sets them); the agent only says whether to verify.
    this.agent =
      endpoint.kind === 'tcp' && endpoint.tls
        ? new https.Agent({ keepAlive: false, ...(tls?.verify === false ? { rejectUnauthorized: false } : {}) })
        : new http.Agent({ keepAlive: false });
    const create = this.agent.createConnection.bind(this.agent) as (
      options: object,
      callback?: (err: Error | null, socket: Duplex) => void,
    ) => Duplex | undefined;
    (this.agent as unknown as { createConnection: typeof create }).createConnection = (options, callback) => {
      const socket = create(options, callback);
      if (socket) this.track(socket);
      return socket;
    };
  }

  /** Sockets open to the engine now: requests waiting for an answer, and streams (events, logs) being read. */
  get inFlight(): number {
    return this.open.size;
  }

  /** Destroys every open socket with `err`: each request waiting on them fails with it at once. */
  cut(err: Error): void {
    for (const socket of this.open) socket.destroy(err);
    this.open.clear();
  }

  private track(socket: Duplex): void {
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
  }
}
