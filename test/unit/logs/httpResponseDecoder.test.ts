import { engineStatusError } from '../../../agent/logs/engineStatusError';
import { HttpResponseDecoder, MAX_HEAD_BYTES } from '../../../agent/logs/httpResponseDecoder';

/** The head the engine (dockerd 20.10) sends for a followed log, then its chunked body. */
const HEAD =
  'HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/vnd.docker.raw-stream\r\n' +
  'Docker-Experimental: false\r\nOstype: linux\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\n' +
  'Date: Mon, 07 Dec 2026 10:00:00 GMT\r\nTransfer-Encoding: chunked\r\n\r\n';

/** One multiplexed log frame (8-byte header, then the message) as the engine writes it, in a chunk of its own. */
function frameChunk(stream: 1 | 2, text: string): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  const data = Buffer.concat([header, Buffer.from(text)]);
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
}

/** Feeds `wire` in reads cut at `cuts` (fresh copies); returns the decoder and each read's body. */
function feed(wire: Buffer, cuts: number[]): { decoder: HttpResponseDecoder; pieces: Buffer[] } {
  const decoder = new HttpResponseDecoder();
  const pieces: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, wire.length]) {
    pieces.push(Buffer.from(decoder.push(Buffer.from(wire.subarray(at, cut)))));
    at = cut;
  }
  return { decoder, pieces };
}

describe('HttpResponseDecoder', () => {
  const frames = [
    frameChunk(1, '2026-12-07T10:00:00.000000001Z out 1\n'),
    frameChunk(2, '2026-12-07T10:00:00.1Z err 1\n'),
  ];
  const wire = Buffer.concat([Buffer.from(HEAD), ...frames, Buffer.from('0\r\n\r\n')]);
  const body = Buffer.concat(frames.map((f) => f.subarray(f.indexOf('\r\n') + 2, f.length - 2)));

  it('reads the head, then gives the frames of all the chunks of a read as one buffer', () => {
    const { decoder, pieces } = feed(wire, []);
    expect(decoder.head?.statusCode).toBe(200);
    expect(decoder.head?.headers['content-type']).toBe('application/vnd.docker.raw-stream');
    expect(decoder.head?.framing).toEqual({ kind: 'chunked' });
    expect(pieces).toEqual([body]);
    expect(decoder.done).toBe(true);
    expect(() => decoder.finish()).not.toThrow();
  });

  it('gives the same bytes wherever the head and the body are split, once or twice', () => {
    const wrong: string[] = [];
    for (let i = 0; i <= wire.length; i++) {
      for (let j = i; j <= wire.length; j++) {
        const { decoder, pieces } = feed(wire, [i, j]);
        if (!Buffer.concat(pieces).equals(body) || !decoder.done) wrong.push(`${i},${j}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('ends in an error, never quietly, when the connection closes before the head or inside the body', () => {
    expect(() => new HttpResponseDecoder().finish()).toThrow('the engine closed the connection before it answered');
    for (const cut of [HEAD.length - 1, HEAD.length, HEAD.length + 5, wire.length - 3]) {
      const { decoder } = feed(wire.subarray(0, cut), []);
      expect(() => decoder.finish()).toThrow(/before it answered|ended before its last chunk/);
    }
  });

  it('reads a Content-Length body up to its length, and a body without either up to the close', () => {
    const sized = feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello and more'), [20, 40]);
    expect(Buffer.concat(sized.pieces).toString()).toBe('hello');
    expect(sized.decoder.done).toBe(true);
    const short = feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhello'), []);
    expect(() => short.decoder.finish()).toThrow("the engine's answer ended 45 bytes short of its Content-Length");
    const open = feed(Buffer.from('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end'), [30]);
    expect(Buffer.concat(open.pieces).toString()).toBe('until the end');
    expect(open.decoder.done).toBe(false);
    expect(() => open.decoder.finish()).not.toThrow();
  });

  it("reads an error status and its JSON body into dockerode's error, with the status and the engine's message", () => {
    const json = '{"message":"No such container: abc"}\n';
    const answers = [
      `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`,
      `HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`,
    ];
    for (const answer of answers) {
      const { decoder, pieces } = feed(Buffer.from(answer), [answer.length - 4]);
      expect(decoder.done).toBe(true);
      const error = engineStatusError(decoder.head?.statusCode ?? 0, Buffer.concat(pieces));
      expect(error.message).toBe('(HTTP code 404) no such container - No such container: abc');
      expect(error.statusCode).toBe(404);
      expect(error.json).toEqual({ message: 'No such container: abc' });
    }
    const conflict = engineStatusError(409, Buffer.from('{"message":"can not get logs from container which is dead"}'));
    expect(conflict.message).toBe('(HTTP code 409) unexpected - can not get logs from container which is dead');
    expect(engineStatusError(502, Buffer.from('Bad Gateway\n')).message).toBe(
      '(HTTP code 502) unexpected - Bad Gateway',
    );
  });

  it('refuses an answer that is not HTTP, a bad header, a bad Content-Length and a head without end', () => {
    expect(() => feed(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n\r\n'), [])).toThrow("the engine's answer is not HTTP/1.x");
    expect(() => feed(Buffer.from('HTTP/1.1 200 OK\r\nno colon\r\n\r\n'), [])).toThrow('bad header line');
    expect(() => feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n'), [])).toThrow(
      'bad Content-Length',
    );
    const endless = Buffer.from(`HTTP/1.1 200 OK\r\n${'X-Pad: 0123456789\r\n'.repeat(4000)}`);
    expect(() => feed(endless, [1000, 30_000])).toThrow(
      `the engine's answer has a head of over ${MAX_HEAD_BYTES} bytes`,
    );
  });
});
