import http from 'node:http';

/**
 * The log path bench's floor: follows the log streams of the given containers over the engine's unix socket (the
 * same request the agent makes: follow, both streams, timestamps) and only counts bytes and newlines, with no
 * frame decoding, no strings and no objects per line. Run as `node logPathReader.js SOCKET ID...`: prints one JSON
 * line `{"ready":true}` once every stream answered, `{"done":true,"bytes":B,"newlines":N}` once every stream ended,
 * then waits for its stdin to close so the bench can read its CPU time from /proc before it exits.
 */
function follow(socketPath: string, id: string, onOpen: () => void): Promise<{ bytes: number; newlines: number }> {
  return new Promise((resolve, reject) => {
    const path = `/containers/${id}/logs?follow=1&stdout=1&stderr=1&timestamps=1`;
    http
      .get({ socketPath, path }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        onOpen();
        let bytes = 0;
        let newlines = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) newlines++;
        });
        res.on('end', () => resolve({ bytes, newlines }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function main(): Promise<void> {
  const [socketPath, ...ids] = process.argv.slice(2);
  if (!socketPath || ids.length === 0) throw new Error('usage: logPathReader SOCKET ID...');
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
