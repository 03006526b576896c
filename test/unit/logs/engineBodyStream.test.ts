import Docker from 'dockerode';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { EngineConnections } from '../../../agent/engine/engineConnections';
import { READ_PACE_MS } from '../../../agent/logs/readPacer';
import { openLogStream, type LogStream } from '../../../agent/logs/openLogStream';
import { makeTlsFiles, type TlsFiles } from '../../support/tlsCerts';

/*
 * The log stream read from a socket of its own, against a fake engine on a real unix socket, TCP port and TLS port
 * that answers each request as the test says, byte for byte (the real engine's answers are in the integration tests).
 */

type Answer = (socket: net.Socket, request: string) => void;

/** A scripted engine: every connection gets `answer` once its request head is in; keeps the heads it got. */
class FakeEngine {
  readonly requests: string[] = [];
  readonly sockets: net.Socket[] = [];
  answer: Answer = () => undefined;
  readonly server: net.Server;

  constructor(make: (onSocket: (s: net.Socket) => void) => net.Server) {
    this.server = make((socket) => {
      this.sockets.push(socket);
      let head = '';
      const onData = (c: Buffer) => {
        head += c.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        this.requests.push(head);
        this.answer(socket, head);
      };
      socket.on('data', onData);
      socket.on('error', () => undefined);
    });
  }

  listen(at: string | number): Promise<void> {
    return new Promise((resolve) =>
      typeof at === 'string' ? this.server.listen(at, resolve) : this.server.listen(at, '127.0.0.1', resolve),
    );
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const OK_HEAD =
  'HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\nTransfer-Encoding: chunked\r\n\r\n';
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

/** Collects a stream's data and how it ended. */
function collect(stream: LogStream) {
  const got = { datas: [] as string[], events: [] as string[], error: undefined as Error | undefined };
  const settled = new Promise<void>((resolve) => {
    stream.on('data', (b: Buffer) => got.datas.push(b.toString()));
    stream.on('end', () => got.events.push('end'));
    stream.on('error', (e: Error) => {
      got.events.push('error');
      got.error = e;
    });
    stream.on('close', () => {
      got.events.push('close');
      resolve();
    });
  });
  return { got, settled };
}

async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2_000 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

const dir = mkdtempSync(join(tmpdir(), 'dockwatch-engine-body-'));
const socketPath = join(dir, 'engine.sock');
const unix = new FakeEngine((on) => net.createServer(on));
const tcp = new FakeEngine((on) => net.createServer(on));
let certs: TlsFiles;
let secure: FakeEngine;

beforeAll(async () => {
  certs = makeTlsFiles();
  secure = new FakeEngine((on) =>
    tls.createServer(
      {
        cert: readFileSync(certs.serverCert),
        key: readFileSync(certs.serverKey),
        ca: readFileSync(certs.ca),
        requestCert: true,
        rejectUnauthorized: true,
      },
      on,
    ),
  );
  await Promise.all([unix.listen(socketPath), tcp.listen(0), secure.listen(0)]);
});

afterAll(async () => {
  await Promise.all([unix.close(), tcp.close(), secure.close()]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(certs.dir, { recursive: true, force: true });
});

describe('the log stream read from its own socket', () => {
  const docker = new Docker({ socketPath, version: 'v1.41' });

  it("sends dockerode's request, and gives all the chunks of a read as one 'data', then 'end' and 'close'", async () => {
    unix.answer = (s) => s.write(`${OK_HEAD}${chunk('one\n')}${chunk('two\n')}${chunk('three\n')}0\r\n\r\n`);
    const { got, settled } = collect(await openLogStream(docker, 'abc', '12.000000003'));
    await settled;
    expect(got).toEqual({ datas: ['one\ntwo\nthree\n'], events: ['end', 'close'], error: undefined });
    // What dockerode itself sends for the same follow (it keeps the stream open: the fake never answers it).
    unix.answer = () => undefined;
    const query = { follow: true as const, stdout: true, stderr: true, timestamps: true, since: '12.000000003' };
    void docker
      .getContainer('abc')
      .logs(query)
      .catch(() => undefined);
    await until(() => unix.requests.length === 2, "dockerode's request");
    const [ours, theirs] = unix.requests.map((r) => r.split('\r\n')[0]);
    expect(ours).toBe(theirs);
    expect(ours).toBe(
      'GET /v1.41/containers/abc/logs?follow=true&stdout=true&stderr=true&timestamps=true&since=12.000000003 HTTP/1.1',
    );
    expect(unix.requests[0]).toContain('\r\nHost: localhost\r\n');
  });

  it("rejects a 404 as dockerode does: statusCode and the engine's message", async () => {
    const json = '{"message":"No such container: gone"}\n';
    unix.answer = (s) =>
      s.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`,
      );
    const error = (await openLogStream(docker, 'gone', '0').catch((e: unknown) => e)) as Error & { statusCode: number };
    expect(error.message).toBe('(HTTP code 404) no such container - No such container: gone');
    expect(error.statusCode).toBe(404);
  });

  it("ends in 'error', never 'end', when the connection closes inside the body or breaks", async () => {
    unix.answer = (s) => s.end(`${OK_HEAD}${chunk('whole\n')}10\r\npart`);
    const cut = collect(await openLogStream(docker, 'abc', '0'));
    await cut.settled;
    expect(cut.got.datas.join('')).toBe('whole\npart');
    expect(cut.got.events).toEqual(['error', 'close']);
    expect(cut.got.error?.message).toBe(
      "the engine's answer ended before its last chunk (the connection closed mid-stream)",
    );

    tcp.answer = (s) => {
      s.write(`${OK_HEAD}${chunk('line\n')}`);
      setTimeout(() => s.resetAndDestroy(), 20);
    };
    const overTcp = new Docker({ host: '127.0.0.1', port: tcp.port, protocol: 'http' });
    const reset = collect(await openLogStream(overTcp, 'abc', '0'));
    await reset.settled;
    expect(reset.got.datas).toEqual(['line\n']);
    expect(reset.got.events).toEqual(['error', 'close']);
    expect(reset.got.error?.message).toMatch(/ECONNRESET/);

    const nowhere = new Docker({ socketPath: join(dir, 'no-engine.sock') });
    await expect(openLogStream(nowhere, 'abc', '0')).rejects.toThrow(/ENOENT/);
  });

  it('pauses the socket while the consumer does not take the data, and loses nothing', async () => {
    const line = `${'x'.repeat(99)}\n`;
    const total = 40_000;
    let server: net.Socket | undefined;
    unix.answer = (s) => {
      server = s;
      s.write(OK_HEAD);
      const write = (i: number) => {
        let more = true;
        for (; i < total && more; i++) more = s.write(chunk(line));
        if (i < total) s.once('drain', () => write(i));
        else s.write('0\r\n\r\n');
      };
      write(0);
    };
    const stream = await openLogStream(docker, 'abc', '0');
    stream.pause();
    await until(() => (server?.writableLength ?? 0) > 0, 'the engine to be held back');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const held = (stream as unknown as { readableLength: number }).readableLength;
    expect({ held: held < 1024 * 1024, engineWaiting: (server?.writableLength ?? 0) > 0 }).toEqual({
      held: true,
      engineWaiting: true,
    });
    let bytes = 0;
    const { got, settled } = collect(stream);
    stream.on('data', (b: Buffer) => void (bytes += b.length));
    stream.resume();
    await settled;
    expect({ bytes, events: got.events }).toEqual({ bytes: total * line.length, events: ['end', 'close'] });
  });

  it('takes a lone message as it comes, and the messages of a busy stream a few reads at a time, losing none', async () => {
    let server: net.Socket | undefined;
    unix.answer = (s) => {
      server = s;
      s.write(OK_HEAD);
    };
    const stream = await openLogStream(docker, 'abc', '0');
    const reads: { at: number; text: string }[] = [];
    stream.on('data', (b: Buffer) => reads.push({ at: Date.now(), text: b.toString() }));
    await until(() => server !== undefined, 'the request');
    // A quiet stream: one message comes as its own read.
    await new Promise((resolve) => setTimeout(resolve, 5 * READ_PACE_MS));
    server?.write(chunk('alone\n'));
    await until(() => reads.length === 1, 'the lone message');
    expect(reads[0]?.text).toBe('alone\n');
    // A busy one: 400 messages written one by one, 1 ms apart; the reader takes them in far fewer reads.
    await new Promise((resolve) => setTimeout(resolve, 5 * READ_PACE_MS));
    const sent: string[] = [];
    for (let i = 0; i < 400; i++) {
      sent.push(`message ${i}\n`);
      server?.write(chunk(sent[i] as string));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    server?.end('0\r\n\r\n');
    await new Promise((resolve) => stream.once('close', resolve));
    const busy = reads.slice(1);
    expect(busy.map((r) => r.text).join('')).toBe(sent.join(''));
    expect(busy.length).toBeLessThan(sent.length / 4);
  });

  it("closes the socket on destroy(), and is cut with the agent's other sockets when the engine stalls", async () => {
    unix.answer = (s) => s.write(`${OK_HEAD}${chunk('first\n')}`);
    const before = unix.sockets.length;
    const destroyed = await openLogStream(docker, 'abc', '0');
    await until(() => unix.sockets.length > before, 'the connection');
    const serverSide = unix.sockets[before] as net.Socket;
    const closed = new Promise((resolve) => serverSide.on('close', resolve));
    destroyed.destroy();
    await closed;

    const connections = new EngineConnections({ kind: 'unix', socketPath }, undefined);
    const tracked = new Docker({ socketPath, version: 'v1.41', agent: connections.agent } as Docker.DockerOptions);
    const { got, settled } = collect(await openLogStream(tracked, 'abc', '0'));
    // Open and answered: it no longer counts as a request the engine leaves waiting.
    expect({ open: connections.openSockets, waiting: connections.inFlight }).toEqual({ open: 1, waiting: 0 });
    const stalled = new Error('the engine did not answer GET /_ping within 5s');
    connections.cut(stalled);
    await settled;
    expect({ events: got.events, error: got.error }).toEqual({ events: ['error', 'close'], error: stalled });
  });

  it('reads over plain TCP, and over TLS with the client certificate', async () => {
    const answer: Answer = (s) => s.end(`${OK_HEAD}${chunk('over the network\n')}0\r\n\r\n`);
    tcp.answer = answer;
    secure.answer = answer;
    const plain = new Docker({ host: '127.0.0.1', port: tcp.port, protocol: 'http' });
    const overTcp = collect(await openLogStream(plain, 'abc', '0'));
    await overTcp.settled;
    expect(overTcp.got.datas).toEqual(['over the network\n']);
    expect(tcp.requests[1]).toContain(`\r\nHost: 127.0.0.1:${tcp.port}\r\n`);

    const files = { ca: readFileSync(certs.ca), cert: readFileSync(certs.cert), key: readFileSync(certs.key) };
    const viaTls = new Docker({ host: '127.0.0.1', port: secure.port, protocol: 'https', ...files });
    const overTls = collect(await openLogStream(viaTls, 'abc', '0'));
    await overTls.settled;
    expect(overTls.got).toEqual({ datas: ['over the network\n'], events: ['end', 'close'], error: undefined });
    expect(secure.requests[0]?.split('\r\n')[0]).toBe(
      'GET /containers/abc/logs?follow=true&stdout=true&stderr=true&timestamps=true&since=0 HTTP/1.1',
    );

    // verify: false, as the agent configures it: the agent's own option (no CA here) reaches the TLS socket.
    const unverified = new EngineConnections(
      { kind: 'tcp', host: '127.0.0.1', port: secure.port, tls: true },
      { verify: false },
    );
    const viaAgent = new Docker({
      host: '127.0.0.1',
      port: secure.port,
      protocol: 'https',
      cert: files.cert,
      key: files.key,
      agent: unverified.agent,
    } as Docker.DockerOptions);
    const overAgent = collect(await openLogStream(viaAgent, 'abc', '0'));
    await overAgent.settled;
    expect(overAgent.got.datas).toEqual(['over the network\n']);

    const noClientCert = new Docker({ host: '127.0.0.1', port: secure.port, protocol: 'https', ca: files.ca });
    await expect(openLogStream(noClientCert, 'abc', '0')).rejects.toThrow();
  });
});
