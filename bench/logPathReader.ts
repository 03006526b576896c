import http from 'node:http';
import { openEngineStream } from '../agent/logs/engineBodyStream';

/**
 * The log path bench's floors: follow the log streams of the given containers over the engine's unix socket (the
 * same request the agent makes: follow, both streams, timestamps) and only count bytes and newlines, with no
 * frame decoding, no strings and no objects per line; `http` reads them with node's HTTP client (one 'data' per
 * chunk, i.e. per log message), `socket` with the agent's own socket reader (one 'data' per socket read). Run as
 * `node logPathReader.js http|socket SOCKET ID...`: prints one JSON line `{"ready":true}` once every stream answered,
 * `{"done":true,"bytes":B,"newlines":N}` once every stream ended, then waits for its stdin to close so the bench can
 * read its CPU time from /proc before it exits.
 */

/** What a reader saw of one stream. */
type Counts = { bytes: number; newlines: number };

/** Counts a stream's bytes and newlines until it ends. */
function count(stream: NodeJS.ReadableStream, resolve: (c: Counts) => void, reject: (e: Error) => void): void {
  let bytes = 0;
  let newlines = 0;
  stream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) newlines++;
  });
  stream.on('end', () => resolve({ bytes, newlines }));
  stream.on('error', reject);
}

const logsPath = (id: string) => `/containers/${id}/logs?follow=1&stdout=1&stderr=1&timestamps=1`;

function followSocket(socketPath: string, id: string, onOpen: () => void): Promise<Counts> {
  const endpoint = {
    address: { kind: 'unix' as const, path: socketPath },
    hostHeader: 'localhost',
    apiPrefix: '',
    headers: {},
  };
  return openEngineStream(endpoint, logsPath(id)).then(
    (stream) =>
      new Promise((resolve, reject) => {
        onOpen();
        count(stream, resolve, reject);
      }),
  );
}

function followHttp(socketPath: string, id: string, onOpen: () => void): Promise<Counts> {
  return new Promise((resolve, reject) => {
    const path = logsPath(id);
    http
      .get({ socketPath, path }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        onOpen();
        count(res, resolve, reject);
      })
      .on('error', reject);
  });
}

async function main(): Promise<void> {
  const [mode, socketPath, ...ids] = process.argv.slice(2);
  if ((mode !== 'http' && mode !== 'socket') || !socketPath || ids.length === 0)
    throw new Error('usage: logPathReader http|socket SOCKET ID...');
  const follow = mode === 'http' ? followHttp : followSocket;
  let open = 0;
  const results = await Promise.all(
    ids.map((id) =>
      follow(socketPath, id, () => {
        if (++open === ids.length) process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
      }),
    ),
  );
  const bytes = results.reduce((sum, r) => sum + r.bytes, 0);
  const newlines = results.reduce((sum, r) => sum + r.newlines, 0);
  process.stdout.write(`${JSON.stringify({ done: true, bytes, newlines })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
