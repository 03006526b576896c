import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { followEngineLogs } from '../../../api/followEngineLogs';
import { frame } from '../logs/logTailerRig';

/** An engine whose follow is `follow` and whose read without following answers `rest` (or fails without it). */
function engine(follow: PassThrough, rest?: Buffer) {
  const queries: Record<string, unknown>[] = [];
  const docker = {
    getContainer: () => ({
      logs: async (q: Record<string, unknown>) => {
        queries.push(q);
        if (q.follow) return follow;
        if (!rest) throw Object.assign(new Error('no such container'), { statusCode: 404 });
        return rest;
      },
    }),
  } as unknown as Docker;
  return { docker, queries };
}

async function collect(docker: Docker, tty = false, grep?: RegExp): Promise<string[]> {
  const out: string[] = [];
  const signal = new AbortController().signal;
  for await (const line of followEngineLogs(docker, 'c1', tty, { signal, grep }))
    out.push(`${line.stream} ${line.text}`);
  return out;
}

const at = (ms: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, 0, ms));

describe('followEngineLogs when the engine ends a follow early', () => {
  it('reads the rest of the stopped container once, from the last line it yielded', async () => {
    const follow = new PassThrough();
    const rest = Buffer.concat([
      frame('two', at(2)),
      frame('three', at(2)),
      frame('err', at(3), 2),
      frame('four', at(4)),
    ]);
    const { docker, queries } = engine(follow, rest);
    follow.write(frame('one', at(1)));
    follow.write(frame('two', at(2)));
    follow.end(frame('three', at(2)));
    expect(await collect(docker)).toEqual(['stdout one', 'stdout two', 'stdout three', 'stderr err', 'stdout four']);
    expect(queries.map((q) => [q.follow, q.since])).toEqual([
      [true, undefined],
      // From a second before the last line: the engine's two copiers race, so the other stream may be behind.
      [false, `${Date.UTC(2026, 11, 7, 12, 0, 0) / 1000 - 1}.002000000`],
    ]);
  });

  it('keeps each stream apart: a line of the other stream that reached the file late is shown once', async () => {
    const follow = new PassThrough();
    // In the file: out 1 (t1), err a (t2), out 2 (t4), err b (t3: its copier was behind), out 3 (t5).
    const rest = Buffer.concat([
      frame('out 1', at(1)),
      frame('err a', at(2), 2),
      frame('out 2', at(4)),
      frame('err b', at(3), 2),
      frame('out 3', at(5)),
    ]);
    const { docker } = engine(follow, rest);
    follow.write(frame('out 1', at(1)));
    follow.write(frame('err a', at(2), 2));
    follow.end(frame('out 2', at(4)));
    expect(await collect(docker)).toEqual([
      'stdout out 1',
      'stderr err a',
      'stdout out 2',
      'stderr err b',
      'stdout out 3',
    ]);
  });

  it('skips the lines grep turned down too, as it counts every line at the last time', async () => {
    const follow = new PassThrough();
    const rest = Buffer.concat([frame('a 1', at(1)), frame('b 1', at(1)), frame('a 2', at(1)), frame('a 3', at(2))]);
    const { docker } = engine(follow, rest);
    follow.write(frame('a 1', at(1)));
    follow.end(frame('b 1', at(1)));
    expect(await collect(docker, false, /^a/)).toEqual(['stdout a 1', 'stdout a 2', 'stdout a 3']);
  });

  it('keeps what it held when the rest cannot be read (the container is gone)', async () => {
    const follow = new PassThrough();
    const { docker, queries } = engine(follow);
    follow.write(frame('one', at(1)));
    // A last line without its newline: handed over as it is when the stream ends and nothing more can be read.
    const whole = frame('partial', at(2));
    const unended = Buffer.from(whole.subarray(0, whole.length - 1));
    unended.writeUInt32BE(unended.length - 8, 4);
    follow.end(unended);
    expect(await collect(docker)).toEqual(['stdout one', 'stdout partial']);
    expect(queries).toHaveLength(2);
  });

  it('does not read again a TTY stream, nor one that brought no line', async () => {
    const tty = new PassThrough();
    const quiet = new PassThrough();
    const withTty = engine(tty, Buffer.from(''));
    const withNothing = engine(quiet, Buffer.from(''));
    tty.end(`${at(1).toISOString()} hello\n`);
    quiet.end();
    expect(await collect(withTty.docker, true)).toEqual(['stdout hello']);
    expect(await collect(withNothing.docker)).toEqual([]);
    expect([withTty.queries.length, withNothing.queries.length]).toEqual([1, 1]);
  });
});
