import type net from 'node:net';
import { Readable } from 'node:stream';
import { engineStatusError } from './engineStatusError';
import { connectEngine, type EngineSocketEndpoint } from './engineSocketEndpoint';
import { HttpResponseDecoder } from './httpResponseDecoder';
import { READ_PACE_MS, ReadPacer } from './readPacer';

/** Most of a non-2xx answer's body kept for its error (the engine's are one line of JSON). */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The one buffer every engine socket reads into (net's `onread`): each read is copied out of it, right-sized, before
 * the next read can happen. That spares node's 64 KiB allocation per read and its stream machinery around each.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/**
 * The body of one streamed answer of the engine, read from a socket of its own: one 'data' per socket read (all the
 * chunks it held), 'end' after the last chunk, 'error' when the connection breaks or the body is cut short.
 * The socket is paused while the consumer does not take what it was given, and for READ_PACE_MS when its ReadPacer
 * says so; destroy() closes it.
 */
export class EngineBodyStream extends Readable {
  /** The consumer takes more (push() returned true, or _read was called since it returned false). */
  private wanting = true;
  private paceTimer: NodeJS.Timeout | undefined;
  private readonly pacer = new ReadPacer();

  constructor(private readonly socket: net.Socket) {
    super();
  }

  /** Hands a read's body bytes on, pausing the socket while the consumer is full or the stream is paced. */
  deliver(bytes: Buffer): void {
    if (bytes.length > 0 && !this.push(bytes)) this.wanting = false;
    if (this.pacer.onRead(Date.now(), bytes.length) && !this.paceTimer && !this.destroyed) {
      this.paceTimer = setTimeout(() => {
        this.paceTimer = undefined;
        if (this.wanting && !this.destroyed) this.socket.resume();
      }, READ_PACE_MS);
    }
    if (!this.wanting || this.paceTimer) this.socket.pause();
  }

  override _read(): void {
    this.wanting = true;
    if (!this.paceTimer) this.socket.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.paceTimer);
    this.paceTimer = undefined;
    this.socket.destroy();
    callback(error);
  }
}

/**
 * GETs `path` (with its query) from the engine over a new socket. Resolves with the body once a 2xx head is read;
 * rejects with the connection's error, or for another status with an error like dockerode's (`statusCode`, the
 * engine's message) once that answer's body is read.
 */
export function openEngineStream(endpoint: EngineSocketEndpoint, path: string): Promise<EngineBodyStream> {
  return new Promise((resolve, reject) => {
    const head = requestHead(endpoint, path);
    let take: (read: Buffer) => void = () => undefined;
    const callback = (bytes: number, buffer: Buffer) => {
      const read = Buffer.allocUnsafe(bytes);
      buffer.copy(read, 0, 0, bytes);
      take(read);
      return true;
    };
    const socket = connectEngine(endpoint, { buffer: READ_BUFFER, callback }, reject);
    if (!socket) {
      reject(new Error('the connection to the engine was refused'));
      return;
    }
    take = readResponse(socket, resolve, reject);
    socket.write(head);
  });
}

/** The GET's head; throws on a path or header with a character that would break (or inject into) the request. */
function requestHead(endpoint: EngineSocketEndpoint, path: string): string {
  if (!/^\/[\x21-\x7e]*$/.test(path)) throw new Error(`bad request path for the engine: ${JSON.stringify(path)}`);
  let head = `GET ${path} HTTP/1.1\r\nHost: ${endpoint.hostHeader}\r\n`;
  for (const [name, value] of Object.entries({ ...endpoint.headers, Connection: 'close' })) {
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name) || !/^[\x20-\x7e\t]*$/.test(value))
      throw new Error(`bad request header for the engine: ${JSON.stringify(name)}`);
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}

/**
 * Reads the answer on `socket`, given each read: resolves with its body on a 2xx head, settles every other way exactly
 * once. Returns what takes a read.
 */
function readResponse(
  socket: net.Socket,
  resolve: (body: EngineBodyStream) => void,
  reject: (error: Error) => void,
): (read: Buffer) => void {
  const decoder = new HttpResponseDecoder();
  let body: EngineBodyStream | undefined;
  const errorBody: Buffer[] = [];
  let errorBytes = 0;
  let settled = false;

  const fail = (error: Error) => {
    if (settled) return;
    settled = true;
    socket.destroy();
    if (body) body.destroy(error);
    else reject(error);
  };
  const complete = () => {
    if (settled) return;
    settled = true;
    socket.destroy();
    if (body) body.push(null);
    else reject(engineStatusError(decoder.head?.statusCode ?? 0, Buffer.concat(errorBody)));
  };
  const ended = () => {
    if (settled) return;
    try {
      decoder.finish();
    } catch (error) {
      fail(error as Error);
      return;
    }
    complete();
  };

  socket.on('end', ended);
  socket.on('close', ended);
  socket.on('error', fail);
  return (read: Buffer) => {
    // Those watching the socket (the engine agent counts a request answered at its first byte) see its reads as usual.
    if (socket.listenerCount('data') > 0) socket.emit('data', read);
    if (settled) return;
    let bytes: Buffer;
    try {
      bytes = decoder.push(read);
    } catch (error) {
      fail(error as Error);
      return;
    }
    const head = decoder.head;
    if (!head) return;
    if (!body && head.statusCode >= 200 && head.statusCode < 300) {
      body = new EngineBodyStream(socket);
      resolve(body);
    }
    if (body) {
      body.deliver(bytes);
    } else if (errorBytes < MAX_ERROR_BODY_BYTES && bytes.length > 0) {
      const kept = Buffer.from(bytes.subarray(0, MAX_ERROR_BODY_BYTES - errorBytes));
      errorBody.push(kept);
      errorBytes += kept.length;
    }
    if (decoder.done) complete();
  };
}
