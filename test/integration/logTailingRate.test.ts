import { RecordingAgent, type SeenLine } from '../support/recordingAgent';
import { removeTestContainers, runTestContainer, testDocker, waitFor } from '../support/engine';

/** No multi-line joining: whole lines take the tail's fast path; lines up to 64 KiB are taken whole. */
const CONFIG = ['containers:', '  include: { labels: { dockwatch.test: "1" } }', 'logs:', '  maxLineBytes: 65536'].join(
  '\n',
);

const LINES = 20_000;
const LONG_EVERY = 1000;
const PAD = 40_000;

/**
 * busybox awk printing `out 1..LINES` as fast as it can (its output buffered: many lines per write, so many log
 * messages per socket read), every LONG_EVERY-th padded past the engine's 16 KiB split, and `err i` for every 3rd
 * line on stderr.
 */
const FAST_WRITER = [
  'awk',
  `BEGIN { pad = sprintf("%${PAD}s", ""); for (i = 1; i <= ${LINES}; i++) { ` +
    `if (i % ${LONG_EVERY} == 0) print "out " i " " pad; else print "out " i; ` +
    'if (i % 3 == 0) print "err " i > "/dev/stderr" } }',
];

function texts(seen: SeenLine[], container: string, stream: string): string[] {
  return seen.filter((s) => s.container === container && s.stream === stream).map((s) => s.text);
}

describe('log tailing at a high log rate, and a container removed mid-follow', () => {
  let agent: RecordingAgent;
  beforeAll(() => removeTestContainers());
  afterAll(async () => {
    await agent?.destroy();
    await removeTestContainers();
  });

  it('takes every line of a fast writer whole and in order, stdout and stderr apart, and ends a removed tail quietly', async () => {
    agent = new RecordingAgent(CONFIG);
    await agent.start();
    const doomed = await runTestContainer({
      name: 'doomed',
      cmd: ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo "tick $i"; done'],
    });
    const fast = await runTestContainer({ name: 'fast', cmd: FAST_WRITER });
    await waitFor(async () => texts(agent.seen(), doomed.name, 'stdout').length >= 2000, {
      what: 'the first lines of the container to remove',
      timeoutMs: 30_000,
    });
    await testDocker().getContainer(doomed.id).remove({ force: true });
    await waitFor(
      async () =>
        texts(agent.seen(), fast.name, 'stdout').length >= LINES &&
        agent.events().some((e) => e.container === doomed.name && e.action === 'destroy'),
      {
        what: async () =>
          `every line of the fast writer (${texts(agent.seen(), fast.name, 'stdout').length} of ${LINES}) and the ` +
          `removal; agent log: ${agent.log.slice(-2000)}`,
        timeoutMs: 60_000,
      },
    );
    await agent.stop();
    const seen = agent.seen();

    const out = texts(seen, fast.name, 'stdout');
    const expected = Array.from({ length: LINES }, (_, k) =>
      (k + 1) % LONG_EVERY === 0 ? `out ${k + 1} ${' '.repeat(PAD)}` : `out ${k + 1}`,
    );
    // The first place the lines differ from the writer's, with two lines either side (undefined when none does).
    const off = out.findIndex((t, k) => t !== expected[k]);
    const around = off < 0 ? undefined : out.slice(Math.max(0, off - 2), off + 3).map((t) => t.slice(0, 40));
    expect({ lines: out.length, around }).toEqual({ lines: LINES, around: undefined });
    expect(texts(seen, fast.name, 'stderr')).toEqual(
      Array.from({ length: Math.floor(LINES / 3) }, (_, k) => `err ${3 * (k + 1)}`),
    );

    const ticks = texts(seen, doomed.name, 'stdout');
    expect(ticks.length).toBeGreaterThanOrEqual(2000);
    expect(ticks.filter((t, k) => t !== `tick ${k + 1}`).slice(0, 5)).toEqual([]);
    expect(agent.log.split('\n').filter((l) => /log stream|doomed/.test(l))).toEqual([]);
  }, 120_000);
});
