import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { EngineConnections } from '../../../agent/engine/engineConnections';
import { EngineNoAnswerError } from '../../../agent/engine/engineWatchdog';

/*
 * Against a real unix socket that accepts and never answers (a hung engine): requests through the agent are counted
 * while they wait, and cut() fails them all at once with its error.
 */

const dir = mkdtempSync(join(tmpdir(), 'dockwatch-engine-connections-'));
const socketPath = join(dir, 'hung.sock');
const accepted: net.Socket[] = [];
const hung = net.createServer((s) => void accepted.push(s));

beforeAll(() => new Promise<void>((resolve) => hung.listen(socketPath, resolve)));
afterAll(async () => {
  for (const s of accepted) s.destroy();
  await new Promise((resolve) => hung.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** GET through the agent: resolves with the error it failed with. */
function get(connections: EngineConnections, path: string): Promise<Error> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath, path, agent: connections.agent }, () => resolve(new Error('answered')));
    req.on('error', resolve);
    req.end();
  });
}

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('EngineConnections', () => {
  it('counts the requests waiting on the engine and cuts them all with one error', async () => {
    const connections = new EngineConnections({ kind: 'unix', socketPath }, undefined);
    expect(connections.inFlight).toBe(0);
    const waiting = [get(connections, '/_ping'), get(connections, '/containers/json'), get(connections, '/info')];
    await until(() => accepted.length >= 3);
    expect(connections.inFlight).toBe(3);

    const stalled = new Error('no answer to GET /_ping within 5s');
    connections.cut(stalled);
    expect(await Promise.all(waiting)).toEqual([stalled, stalled, stalled]);
    expect(connections.inFlight).toBe(0);
  });

  it('refuses new requests at once while maxUnanswered wait, and counts an answered one no more', async () => {
    let full = 0;
    const connections = new EngineConnections({ kind: 'unix', socketPath }, undefined, 2, () => void full++);
    const before = accepted.length;
    const waiting = [get(connections, '/_ping'), get(connections, '/info')];
    await until(() => accepted.length >= before + 2);
    const refused = await get(connections, '/containers/json');
    expect(refused).toBeInstanceOf(EngineNoAnswerError);
    expect(refused.message).toBe('2 requests to it are still waiting for an answer');
    expect(full).toBe(1);

    accepted[before]?.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n');
    await until(() => connections.inFlight === 1);
    expect(connections.inFlight).toBe(1);
    expect(connections.openSockets).toBe(2);
    connections.cut(new Error('done'));
    await Promise.all(waiting);
  });

  it('is cheap to inspect (docker-modem inspects every request, agent included)', () => {
    const connections = new EngineConnections({ kind: 'unix', socketPath }, undefined);
    expect(inspect({ agent: connections.agent }, { showHidden: true, depth: null })).toBe(
      '{ agent: [dockwatch engine agent] }',
    );
  });

  it('forgets a request once its socket closes', async () => {
    const connections = new EngineConnections({ kind: 'unix', socketPath }, undefined);
    const before = accepted.length;
    const waiting = get(connections, '/_ping');
    await until(() => accepted.length > before);
    accepted[before]?.destroy();
    // The server's close reaches the client as a hang-up, or as a reset when the request was still being written.
    expect(['socket hang up', 'read ECONNRESET']).toContain((await waiting).message);
    await until(() => connections.inFlight === 0);
    expect(connections.inFlight).toBe(0);
  });
});
