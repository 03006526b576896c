import { LogFrameDecoder } from '../../../agent/logs/logFrameDecoder';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('LogFrameDecoder', () => {
  const wire = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err one\n'), frame(1, 'out two\n')]);

  it('splits stdout and stderr frames', () => {
    const frames = new LogFrameDecoder().push(wire);
    expect(frames.map((f) => [f.stream, f.data.toString()])).toEqual([
      ['stdout', 'out one\n'],
      ['stderr', 'err one\n'],
      ['stdout', 'out two\n'],
    ]);
  });

  it('gives the same frames however the bytes are chunked, even one byte at a time', () => {
    const decoder = new LogFrameDecoder();
    const got: string[] = [];
    for (let i = 0; i < wire.length; i++) {
      for (const f of decoder.push(wire.subarray(i, i + 1))) got.push(`${f.stream}:${f.data.toString()}`);
    }
    expect(got).toEqual(['stdout:out one\n', 'stderr:err one\n', 'stdout:out two\n']);
    expect(decoder.bufferedBytes).toBe(0);
  });
});
