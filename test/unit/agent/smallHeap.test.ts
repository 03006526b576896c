import { applySmallHeap } from '../../../agent/smallHeap';

describe('applySmallHeap', () => {
  it('leaves node alone when it was started with --optimize-for-size, on the command line or in NODE_OPTIONS', () => {
    expect(applySmallHeap(['--optimize-for-size', '--v8-pool-size=2'], undefined)).toBe(false);
    expect(applySmallHeap([], '--max-old-space-size=200 --optimize_for_size')).toBe(false);
  });

  it('sets the small-heap flags for a plain `node dist/cli.js`', () => {
    expect(applySmallHeap([], undefined)).toBe(true);
    expect(applySmallHeap(['--enable-source-maps'], '--max-old-space-size=200')).toBe(true);
  });
});
