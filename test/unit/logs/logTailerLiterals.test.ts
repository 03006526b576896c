import { LiteralHits } from '../../../agent/logs/literalHits';
import type { LogLineFilter } from '../../../agent/logs/containerLogTail';
import type { LogRule } from '../../../config/alertRule';
import { exactLiterals } from '../../../alerts/logMatcher';
import { LogRuleIndex } from '../../../alerts/logRuleIndex';
import { record } from '../bot/fakeAgent';
import { frame, tailerRig } from './logTailerRig';

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

const RULES = [
  { name: 'fatal', kind: 'log', contains: 'FATAL' },
  { name: 'panic', kind: 'log', match: 'panic: .*|OutOfMemoryError' },
] as LogRule[];

/** Lines of every kind a byte search could get wrong: literals at the edges, across lines, after multi-byte text. */
const LINES = [
  'GET /index.html 200',
  'FATAL at the start',
  'ends in FATAL',
  'FATA', // the next line starts with L: the literal spans the newline
  'L not a match',
  'panic: runtime error',
  'panic:no space, so no match',
  'a java.lang.OutOfMemoryError here',
  'é ü 💥 FATAL after multi-byte text',
  'é ü 💥 nothing',
  '\uFFFD FATA\uFFFDL broken',
  'fatal in lower case is not FATAL? it is: FATAL',
  '',
  'OutOfMemory only',
];

/** Runs the tailer over LINES in one read, with the rules' filter as given, and returns what it handed over. */
async function tail(strip: boolean): Promise<{ entries: string[]; passed: number }> {
  const createdAt = Date.now() / 1000 + 1;
  const entries: string[] = [];
  let passed = 0;
  const index = new LogRuleIndex(RULES);
  const {
    tailer,
    inventory,
    store,
    opened: streams,
  } = tailerRig({
    lineFilter: (target, stream) => {
      const test = index.filter(target, stream);
      if (!test || !strip) return test;
      const bare: LogLineFilter = (text: string) => test(text);
      return bare;
    },
    onPassed: (_target, _stream, lines) => (passed += lines),
    onEntry: (e) => entries.push(`${e.stream}:${e.text}`),
  });
  inventory.upsert(record('app', { createdAt, state: 'running', startedAt: createdAt }));
  tailer.start();
  tailer.reconcile();
  await settle();
  const at = new Date(createdAt * 1000 + 5);
  streams[0]?.write(Buffer.concat(LINES.flatMap((l, i) => [frame(l, at, 1 + (i % 2)), frame(l, at, 1)])));
  await settle();
  tailer.stop();
  store.close();
  return { entries, passed };
}

describe('log lines no rule can match are passed over without being decoded', () => {
  it('hands over exactly the lines the rules match, as the text filter alone does', async () => {
    const withBytes = await tail(false);
    const textOnly = await tail(true);
    expect(withBytes).toEqual(textOnly);
    expect(withBytes.entries).toEqual([
      'stderr:FATAL at the start',
      'stdout:FATAL at the start',
      'stdout:ends in FATAL',
      'stdout:ends in FATAL',
      'stderr:panic: runtime error',
      'stdout:panic: runtime error',
      'stderr:a java.lang.OutOfMemoryError here',
      'stdout:a java.lang.OutOfMemoryError here',
      'stdout:é ü 💥 FATAL after multi-byte text',
      'stdout:é ü 💥 FATAL after multi-byte text',
      'stderr:fatal in lower case is not FATAL? it is: FATAL',
      'stdout:fatal in lower case is not FATAL? it is: FATAL',
    ]);
    expect(withBytes.passed).toBe(LINES.length * 2 - withBytes.entries.length);
  });
});

describe('LiteralHits', () => {
  it('says whether a literal lies wholly inside a range, asked in ascending order, and rescans a new buffer', () => {
    const hits = new LiteralHits(['FATAL', 'panic: ']);
    const buf = Buffer.from('xxFATALxx|FATA|Lpanic: |panic:');
    expect(hits.within(buf, 0, 9)).toBe(true); // xxFATALxx
    expect(hits.within(buf, 10, 14)).toBe(false); // FATA
    expect(hits.within(buf, 15, 23)).toBe(true); // Lpanic: _ then |
    expect(hits.within(buf, 24, 30)).toBe(false); // panic: without its space
    const next = Buffer.from('FATAL');
    expect(hits.within(next, 0, 5)).toBe(true);
    expect(hits.within(next, 1, 5)).toBe(false);
  });
});

describe('exactLiterals', () => {
  it('gives the literals every match contains, or nothing when a pattern ignores case or has only short ones', () => {
    expect(exactLiterals([{ contains: 'FATAL' }, { regex: 'panic: .*|OutOfMemoryError' }])?.sort()).toEqual([
      'FATAL',
      'OutOfMemoryError',
      'panic: ',
    ]);
    expect(exactLiterals([{ contains: 'FATAL', ignoreCase: true }])).toBeUndefined();
    expect(exactLiterals([{ regex: 'ab|cd' }])).toBeUndefined();
    expect(exactLiterals([{ regex: '.*' }])).toBeUndefined();
  });
});
