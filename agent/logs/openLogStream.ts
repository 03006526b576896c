import type Docker from 'dockerode';
import { stringify } from 'node:querystring';
import { openEngineStream } from './engineBodyStream';
import { engineSocketEndpoint } from './engineSocketEndpoint';

/** A container's followed log: its body bytes ('data'), 'end' when the engine ends it, 'error', 'close'. */
export type LogStream = NodeJS.ReadableStream & { destroy(): void };

/**
 * Opens a container's log stream with times, both streams, following, from `since` (`seconds.nanoseconds`). Over a
 * unix socket, TCP or TLS it is read from a socket of its own, a whole socket read per 'data' (node's HTTP client
 * hands every chunk, i.e. every log message, to JavaScript on its own); other endpoints (ssh) go through dockerode.
 */
export async function openLogStream(docker: Docker, id: string, since: string): Promise<LogStream> {
  const query = { follow: true, stdout: true, stderr: true, timestamps: true, since };
  const endpoint = engineSocketEndpoint(docker);
  if (endpoint) {
    // The path and query docker-modem makes of container.logs(query).
    return openEngineStream(
      endpoint,
      `${endpoint.apiPrefix}/containers/${encodeURIComponent(id)}/logs?${stringify(query)}`,
    );
  }
  const stream = await docker.getContainer(id).logs(query as unknown as { follow: true });
  return stream as unknown as LogStream;
}
