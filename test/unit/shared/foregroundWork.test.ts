import { beginForeground, foregroundInFlight, yieldToForeground } from '../../../shared/foregroundWork';

/** Whether `p` has settled after the event loop ran `ms` more milliseconds. */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void p.then(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, ms));
  return settled;
}

describe('yieldToForeground', () => {
  afterEach(() => expect(foregroundInFlight()).toBe(0));

  it('only lets the event loop run when no response is being sent', async () => {
    let immediateRan = false;
    setImmediate(() => (immediateRan = true));
    await yieldToForeground(60_000);
    expect(immediateRan).toBe(true);
  });

  it('waits while a response is being sent and goes on as soon as the last one ends', async () => {
    const endA = beginForeground();
    const endB = beginForeground();
    const slice = yieldToForeground(60_000);
    expect(await settledWithin(slice, 30)).toBe(false);
    endA();
    expect(await settledWithin(slice, 30)).toBe(false);
    endB();
    expect(await settledWithin(slice, 30)).toBe(true);
  });

  it('gives up waiting after maxWaitMs, so a client that never reads cannot stop the background', async () => {
    const end = beginForeground();
    const slice = yieldToForeground(40);
    expect(await settledWithin(slice, 1_000)).toBe(true);
    end();
  });

  it('counts a response once however many times its end is marked', async () => {
    const endA = beginForeground();
    const endB = beginForeground();
    endA();
    endA();
    expect(foregroundInFlight()).toBe(1);
    const slice = yieldToForeground(60_000);
    expect(await settledWithin(slice, 30)).toBe(false);
    endB();
    await slice;
  });
});
