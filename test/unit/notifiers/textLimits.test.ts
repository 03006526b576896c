import { fitLines, truncate } from '../../../alerts/notifiers/textLimits';
import { neutralizeFences } from '../../../alerts/notifiers/markupEscapes';

describe('text limits', () => {
  it('truncates with an ellipsis, never splitting an emoji', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('hello world', 6)).toBe('hello…');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('ab😀cd', 5)).toBe('ab😀…');
  });

  it('fits whole lines and says how many were left out', () => {
    expect(fitLines(['one', 'two', 'three'], 100)).toBe('one\ntwo\nthree');
    expect(fitLines(['one', 'two', 'three', 'four'], 20)).toBe('one\ntwo\n… and 2 more');
    expect(fitLines(['one', 'two', 'three', 'four'], 19)).toBe('one\n… and 3 more');
    expect(fitLines(['x'.repeat(50), 'two'], 30)).toBe(`${'x'.repeat(16)}…\n… and 1 more`);
    expect(fitLines(['x'.repeat(50)], 10)).toBe(`${'x'.repeat(9)}…`);
    for (const max of [5, 12, 20, 40])
      expect(fitLines(['a'.repeat(30), 'b', 'c'], max).length).toBeLessThanOrEqual(max);
  });

  it('breaks every run of three backticks', () => {
    expect(neutralizeFences('a ``` b ```` c').includes('```')).toBe(false);
    expect(neutralizeFences('`code` and ``two``')).toBe('`code` and ``two``');
  });
});
