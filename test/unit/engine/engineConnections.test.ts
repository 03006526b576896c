import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineConnections } from '../../../agent/engine/engineConnections';

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
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
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

  it('forgets a request once its socket closes', async () => {
    const connections = new EngineConnections({ kind: 'unix', socketPath }, undefined);
    const before = accepted.length;
    const waiting = get(connections, '/_ping');
    await until(() => accepted.length > before);
    accepted[before]?.destroy();
    expect((await waiting).message).toBe('socket hang up');
    await until(() => connections.inFlight === 0);
    expect(connections.inFlight).toBe(0);
  });
});
