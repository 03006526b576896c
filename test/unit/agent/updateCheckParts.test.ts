import { BudgetExhaustedError, RequestBudget } from '../../../agent/images/requestBudget';
import { UpdateBackoff } from '../../../agent/images/updateBackoff';
import { decideUpdate, PlatformMissingError } from '../../../agent/images/updateDecision';
import { jittered, RoundSchedule } from '../../../agent/images/updateSchedule';
import type { Manifest } from '../../../agent/registry/manifests';
import { ManualTimers } from '../alerts/manualTimers';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const AMD64 = { os: 'linux', architecture: 'amd64' };
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('decideUpdate', () => {
  const manifests: Record<string, Manifest> = {
    [d('1')]: { kind: 'image', configDigest: d('a') },
    [d('2')]: { kind: 'image', configDigest: d('b') },
    [d('3')]: {
      kind: 'index',
      manifests: [
        { digest: d('1'), platform: AMD64 },
        { digest: d('9'), platform: { os: 'linux', architecture: 'arm64' } },
      ],
    },
    [d('4')]: {
      kind: 'index',
      manifests: [
        { digest: d('2'), platform: AMD64 },
        { digest: d('9'), platform: { os: 'linux', architecture: 'arm64' } },
      ],
    },
  };
  let reads: string[];
  const read = async (digest: string) => {
    reads.push(digest);
    const m = manifests[digest];
    if (!m) throw new Error(`no ${digest}`);
    return m;
  };
  beforeEach(() => (reads = []));

  it('no update without a GET when the remote digest is one of the local repo digests', async () => {
    const local = { id: d('a'), repoDigests: [d('1')] };
    expect(await decideUpdate(local, d('1'), read, AMD64)).toEqual({ available: false, reason: 'same-digest' });
    expect(reads).toEqual([]);
  });

  it('an update when the tag points to a manifest of another image', async () => {
    const local = { id: d('a'), repoDigests: [d('1')] };
    expect(await decideUpdate(local, d('2'), read, AMD64)).toEqual({ available: true, digest: d('2') });
  });

  it('no update when another manifest has the same config (the image ID)', async () => {
    const local = { id: d('b'), repoDigests: [d('7')] };
    expect(await decideUpdate(local, d('2'), read, AMD64)).toEqual({ available: false, reason: 'same-image' });
  });

  it("an index: the host platform's entry decides; only another platform changing is not an update", async () => {
    const local = { id: d('a'), repoDigests: [d('1')] };
    expect(await decideUpdate(local, d('3'), read, AMD64)).toEqual({ available: false, reason: 'same-digest' });
    expect(reads).toEqual([d('3')]);
    const pulledByIndex = { id: d('a'), repoDigests: [d('8')] };
    expect(await decideUpdate(pulledByIndex, d('3'), read, AMD64)).toEqual({ available: false, reason: 'same-image' });
    expect(await decideUpdate(local, d('4'), read, AMD64)).toEqual({ available: true, digest: d('2') });
    await expect(decideUpdate(local, d('4'), read, { os: 'linux', architecture: 'riscv64' })).rejects.toThrow(
      PlatformMissingError,
    );
  });

  it('a failed read is an error, never a "no update"', async () => {
    const local = { id: d('a'), repoDigests: [d('1')] };
    await expect(decideUpdate(local, d('5'), read, AMD64)).rejects.toThrow(`no ${d('5')}`);
  });
});

describe('RequestBudget', () => {
  it('counts requests per registry and refuses past the limit without counting', () => {
    const budget = new RequestBudget(2);
    budget.take('a');
    budget.take('a');
    budget.take('b');
    expect(() => budget.take('a')).toThrow(BudgetExhaustedError);
    expect(() => budget.take('a')).toThrow('the request budget for registry a is spent for this round');
    expect([budget.exhausted('a'), budget.exhausted('b'), budget.spent('a')]).toEqual([true, false, 2]);
    expect(budget.entries()).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });
});

describe('UpdateBackoff', () => {
  it('skips 2^(n-1)-1 rounds after the n-th failure in a row, warns at 1, 2, 4, 8 or a new message', () => {
    const backoff = new UpdateBackoff(() => 3_600_000);
    const skipsAfter = () => {
      let n = 0;
      while (backoff.skip('r')) n++;
      return n;
    };
    const warns: boolean[] = [];
    const skips: number[] = [];
    for (let i = 0; i < 5; i++) {
      warns.push(backoff.failed('r', 'down').warn);
      skips.push(skipsAfter());
    }
    expect(skips).toEqual([0, 1, 3, 7, 15]);
    expect(warns).toEqual([true, true, false, true, false]);
    expect(backoff.failed('r', 'other').warn).toBe(true);
    expect(backoff.succeeded('r')).toBe(6);
    expect(backoff.skip('r')).toBe(false);
  });

  it('never skips more than a day of rounds', () => {
    const backoff = new UpdateBackoff(() => 6 * 3_600_000);
    for (let i = 0; i < 10; i++) backoff.failed('r', 'x');
    let n = 0;
    while (backoff.skip('r')) n++;
    expect(n).toBe(3);
  });
});

describe('RoundSchedule', () => {
  it('jitters by at most ±10%', () => {
    expect([jittered(1000, () => 0), jittered(1000, () => 0.5), jittered(1000, () => 0.9999999)]).toEqual([
      900, 1000, 1100,
    ]);
  });

  it('runs the first round after firstDelay, then every interval from the end of the previous one', async () => {
    const timers = new ManualTimers();
    const runs: number[] = [];
    const pending: (() => void)[] = [];
    const schedule = new RoundSchedule({
      intervalMs: 60_000,
      firstDelayMs: 10_000,
      timers,
      random: () => 0.5,
      canRun: () => true,
      run: () => {
        runs.push(timers.now);
        return new Promise<void>((resolve) => pending.push(resolve));
      },
    });
    schedule.start();
    timers.advance(9_999);
    expect(runs).toEqual([]);
    timers.advance(1);
    expect(runs).toEqual([10_000]);
    timers.advance(120_000);
    expect(runs).toEqual([10_000]);
    pending.shift()?.();
    await flush();
    timers.advance(60_000);
    expect(runs).toEqual([10_000, 190_000]);
    const stopped = schedule.stop();
    pending.shift()?.();
    await stopped;
  });

  it('holds a round due while the engine is down and runs it firstDelay after resume', async () => {
    const timers = new ManualTimers();
    const runs: number[] = [];
    let up = false;
    const schedule = new RoundSchedule({
      intervalMs: 60_000,
      firstDelayMs: 10_000,
      timers,
      random: () => 0.5,
      canRun: () => up,
      run: async () => void runs.push(timers.now),
    });
    schedule.start();
    timers.advance(500_000);
    expect([runs, schedule.waiting]).toEqual([[], true]);
    up = true;
    schedule.resume();
    timers.advance(10_000);
    expect(runs).toEqual([510_000]);
    await flush();
    timers.advance(60_000);
    expect(runs).toEqual([510_000, 570_000]);
    await flush();
    await schedule.stop();
    timers.advance(600_000);
    expect(runs).toHaveLength(2);
    expect(timers.armed).toBe(0);
  });

  it('spreads rounds by the jitter it is given', async () => {
    const timers = new ManualTimers();
    const runs: number[] = [];
    const randoms = [0, 1 - 1e-9, 0.25];
    const schedule = new RoundSchedule({
      intervalMs: 100_000,
      firstDelayMs: 100_000,
      timers,
      random: () => randoms.shift() ?? 0.5,
      canRun: () => true,
      run: async () => void runs.push(timers.now),
    });
    schedule.start();
    for (let i = 0; i < 3; i++) {
      timers.advance(110_000);
      await flush();
    }
    // Each next round is armed when the previous ended (here: at the end of each 110 s step).
    expect(runs).toEqual([90_000, 110_000 + 110_000, 220_000 + 95_000]);
    await schedule.stop();
  });
});
