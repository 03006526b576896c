import { spawn } from 'node:child_process';
import { keepOutput, stopChild } from './childProcess';

/** A node process that answers every GET with the same bytes: the floor a /metrics scrape of that size can reach. */
export type StaticBodyServer = { url: string; stop(): Promise<void> };

/** The child: reads the body once, serves it with a content-length on a free loopback port, prints the port. */
const CHILD = `
const http = require('node:http');
const body = require('node:fs').readFileSync(process.argv[1]);
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': process.argv[2], 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/**
 * Starts an idle node process (no flags, nothing else to do) serving `bodyFile` as `contentType`. Scraped in turn
 * with the agent, it shows what sending that many bytes costs on this machine at that moment (scheduling, the
 * loopback, curl), apart from what the agent adds.
 */
export async function startStaticBodyServer(bodyFile: string, contentType: string): Promise<StaticBodyServer> {
  const child = spawn(process.execPath, ['-e', CHILD, bodyFile, contentType], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = keepOutput(child, 4000);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the static body server did not start: ${output()}`)), 15_000);
    child.stdout?.on('data', () => {
      const line = /^(\d+)\n/.exec(output());
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`the static body server exited (${code}): ${output()}`)));
  });
  return { url: `http://127.0.0.1:${port}/metrics`, stop: () => stopChild(child, 5_000) };
}
