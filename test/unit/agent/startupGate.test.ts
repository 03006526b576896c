import { StartupGate } from '../../../agent/startupGate';

/** Whether the promise settled within `ms`. */
async function settles(p: Promise<unknown>, ms: number): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, ms));
  return done;
}

describe('StartupGate', () => {
  it('holds work until it is opened', async () => {
    const gate = new StartupGate(60_000);
    const order: string[] = [];
    const held = gate.opened.then(() => order.push('held work'));
    expect(await settles(gate.opened, 30)).toBe(false);
    order.push('ready');
    gate.open();
    await held;
    expect(order).toEqual(['ready', 'held work']);
    gate.open(); // a second open changes nothing
    expect(await settles(gate.opened, 0)).toBe(true);
  });

  it('opens by itself after its longest wait, so held work does not wait for ever for a ready that never comes', async () => {
    const gate = new StartupGate(40);
    expect(await settles(gate.opened, 10)).toBe(false);
    expect(await settles(gate.opened, 100)).toBe(true);
  });
});
