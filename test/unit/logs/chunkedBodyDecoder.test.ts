import { ChunkedBodyDecoder, MAX_CHUNK_BYTES, MAX_TRAILER_BYTES } from '../../../agent/logs/chunkedBodyDecoder';

/** Feeds `wire` in the given reads (each a fresh copy: the decoder writes over them); returns each read's body. */
function decode(wire: Buffer, cuts: number[]): { pieces: string[]; done: boolean } {
  const decoder = new ChunkedBodyDecoder();
  const pieces: string[] = [];
  let at = 0;
  for (const cut of [...cuts, wire.length]) {
    const read = Buffer.from(wire.subarray(at, cut));
    pieces.push(read.subarray(0, decoder.decode(read, 0, 0)).toString('latin1'));
    at = cut;
  }
  return { pieces, done: decoder.done };
}

const chunk = (data: string, ext = '') => `${Buffer.byteLength(data, 'latin1').toString(16)}${ext}\r\n${data}\r\n`;

describe('ChunkedBodyDecoder', () => {
  const upper = 'twenty-six bytes of data.\n';
  const body = `hello\nworld, a longer line\n${upper}\u00e9\n`;
  const wire = Buffer.from(
    chunk('hello\n', ';name=value') +
      chunk('world, a longer line\n', ' ; a=1;b="x;y"') +
      `1A\r\n${upper}\r\n` +
      chunk('\u00e9\n') +
      '0;last\r\nX-Trailer: one\r\nX-Other: two\r\n\r\n',
    'latin1',
  );

  it('gives every chunk of a read together, as one piece, and is done after the last chunk and its trailers', () => {
    const { pieces, done } = decode(wire, []);
    expect(pieces).toEqual([body]);
    expect(done).toBe(true);
  });

  it('gives the same body however the reads split it: at every byte, at every pair of bytes, byte by byte', () => {
    const whole = decode(wire, []).pieces.join('');
    const wrong: string[] = [];
    for (let i = 0; i <= wire.length; i++) {
      for (let j = i; j <= wire.length; j++) {
        const split = decode(wire, [i, j]);
        if (split.pieces.join('') !== whole || !split.done) wrong.push(`${i},${j}: ${JSON.stringify(split)}`);
      }
    }
    expect(wrong).toEqual([]);
    const byByte = decode(
      wire,
      Array.from({ length: wire.length }, (_, i) => i),
    );
    expect(byByte.pieces.join('')).toBe(whole);
  });

  it('is not done mid-body, and ignores what comes after the last chunk', () => {
    expect(decode(Buffer.from(chunk('abc') + '0\r\n'), []).done).toBe(false);
    expect(decode(Buffer.from(chunk('abc').slice(0, 5)), []).done).toBe(false);
    const after = decode(Buffer.from(`${chunk('abc')}0\r\n\r\n${chunk('more')}`), []);
    expect(after).toEqual({ pieces: ['abc'], done: true });
  });

  it('streams a chunk bigger than a read as it arrives', () => {
    const big = 'x'.repeat(100_000);
    const { pieces, done } = decode(Buffer.from(`${chunk(big)}0\r\n\r\n`), [10, 65_536]);
    expect(pieces.map((p) => p.length)).toEqual([10 - 7, 65_536 - 10, 100_000 - (65_536 - 7)]);
    expect(done).toBe(true);
  });

  it('refuses a chunk size over the limit before reading its data, however many digits it has', () => {
    expect(() => decode(Buffer.from(`${(MAX_CHUNK_BYTES + 1).toString(16)}\r\n`), [])).toThrow(
      `chunk of over ${MAX_CHUNK_BYTES} bytes in the engine's answer (the stream is broken)`,
    );
    expect(() => decode(Buffer.from('ffffffffffffffffffffffff\r\n'), [])).toThrow(/chunk of over/);
    expect(() => decode(Buffer.from(`${MAX_CHUNK_BYTES.toString(16)}\r\nab`), [])).not.toThrow();
  });

  it('refuses what is not a chunked body', () => {
    const bad = (text: string) => () => decode(Buffer.from(text), []);
    expect(bad('zz\r\n')).toThrow("bad chunked body in the engine's answer: expected a chunk size, got byte 0x7a");
    expect(bad('\r\n')).toThrow('expected a chunk size');
    expect(bad('3\r\nabcd\r\n')).toThrow('expected CRLF after a chunk, got byte 0x64');
    expect(bad('3\nabc')).toThrow('expected a chunk size, got byte 0xa');
    expect(bad('3;ext\nabc')).toThrow('expected CR before LF after a chunk size');
    expect(bad(`3;${'e'.repeat(5000)}\r\n`)).toThrow('chunk size line of over 4096 bytes');
    expect(bad(`0\r\nX: ${'t'.repeat(MAX_TRAILER_BYTES)}\r\n\r\n`)).toThrow(
      `trailers of over ${MAX_TRAILER_BYTES} bytes`,
    );
  });

  it('writes the body from the given offset over what it read, leaving what comes before', () => {
    const read = Buffer.from(`HEAD${chunk('ab')}${chunk('cd')}`);
    const end = new ChunkedBodyDecoder().decode(read, 4, 4);
    expect(read.subarray(0, end).toString()).toBe('HEADabcd');
  });
});
