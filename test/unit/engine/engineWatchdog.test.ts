import { EngineNoAnswerError, EngineWatchdog, seconds } from '../../../agent/engine/engineWatchdog';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `ok` holds (5 s at most: a loaded machine delays timers, the order of events stays the same). */
async function until(ok: () => boolean): Promise<void> {
  for (let waited = 0; waited < 5_000 && !ok(); waited += 5) await sleep(5);
}

/** What a watchdog reported, in order. */
function recorder() {
  const seen: string[] = [];
  return {
    seen,
    onAnswer: () => seen.push('answer'),
    onNoAnswer: (err: EngineNoAnswerError) => seen.push(`no answer: ${err.message}`),
    onError: (err: Error) => seen.push(`error: ${err.message}`),
  };
}

/** A probe that never settles on its own, only when aborted (as a request to a hung engine). */
const hanging = (signals: AbortSignal[]) => (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    signals.push(signal);
    signal.addEventListener('abort', () => reject(signal.reason as Error));
  });

describe('EngineWatchdog', () => {
  let dog: EngineWatchdog | undefined;
  afterEach(() => dog?.stop());

  it('probes at once, then intervalMs after each answer', async () => {
    const r = recorder();
    let probes = 0;
    dog = new EngineWatchdog({ intervalMs: 20, timeoutMs: 200, probe: async () => void probes++, ...r });
    dog.start();
    expect(probes).toBe(1);
    await until(() => probes >= 3);
    expect(probes).toBeGreaterThanOrEqual(3);
    expect(new Set(r.seen)).toEqual(new Set(['answer']));
  });

  it('asks for the pause before each one', async () => {
    const r = recorder();
    let probes = 0;
    let pause = 10_000;
    dog = new EngineWatchdog({ intervalMs: () => pause, timeoutMs: 200, probe: async () => void probes++, ...r });
    pause = 10;
    dog.start();
    await until(() => probes >= 3);
    expect(probes).toBeGreaterThanOrEqual(3);
  });

  it('reports an unanswered probe as no answer, aborting it, and keeps probing', async () => {
    const r = recorder();
    const signals: AbortSignal[] = [];
    dog = new EngineWatchdog({ intervalMs: 10, timeoutMs: 30, probe: hanging(signals), ...r });
    dog.start();
    await until(() => r.seen.length >= 2);
    expect(r.seen.length).toBeGreaterThanOrEqual(2);
    expect(new Set(r.seen)).toEqual(new Set(['no answer: no answer to GET /_ping within 0.03s']));
    expect(signals.slice(0, 2).every((s) => s.aborted && s.reason instanceof EngineNoAnswerError)).toBe(true);
  });

  it('tells a refusal (an error at once) from no answer', async () => {
    const r = recorder();
    dog = new EngineWatchdog({
      intervalMs: 1_000,
      timeoutMs: 1_000,
      probe: () => Promise.reject(new Error('connect ECONNREFUSED')),
      ...r,
    });
    dog.start();
    await until(() => r.seen.length >= 1);
    expect(r.seen).toEqual(['error: connect ECONNREFUSED']);
  });

  it('never waits longer than timeoutMs, even for a probe that ignores its signal', async () => {
    const r = recorder();
    dog = new EngineWatchdog({ intervalMs: 10_000, timeoutMs: 20, probe: () => new Promise(() => {}), ...r });
    dog.start();
    await until(() => r.seen.length >= 1);
    expect(r.seen).toEqual(['no answer: no answer to GET /_ping within 0.02s']);
  });

  it('reports nothing after stop, and aborts the probe in flight', async () => {
    const r = recorder();
    const signals: AbortSignal[] = [];
    dog = new EngineWatchdog({ intervalMs: 10, timeoutMs: 30, probe: hanging(signals), ...r });
    dog.start();
    dog.stop();
    await sleep(60);
    expect(r.seen).toEqual([]);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('probes at once when asked between probes, not while one is in flight', async () => {
    const r = recorder();
    let probes = 0;
    dog = new EngineWatchdog({ intervalMs: 10_000, timeoutMs: 1_000, probe: async () => void probes++, ...r });
    dog.start();
    expect(probes).toBe(1);
    await until(() => r.seen.length === 1);
    dog.probeNow();
    expect(probes).toBe(2);

    const signals: AbortSignal[] = [];
    const slow = new EngineWatchdog({ intervalMs: 10_000, timeoutMs: 50, probe: hanging(signals), ...recorder() });
    slow.start();
    slow.probeNow();
    expect(signals).toHaveLength(1);
    slow.stop();
  });

  it('shows a timeout in seconds', () => {
    expect(seconds(5_000)).toBe('5s');
    expect(seconds(1_500)).toBe('1.5s');
    expect(seconds(250)).toBe('0.25s');
  });
});
