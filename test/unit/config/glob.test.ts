import { globToRegExp, matchesGlob } from '../../../config/glob';

describe('matchesGlob', () => {
  it.each([
    ['*', 'anything', true],
    ['*', '', true],
    ['web-*', 'web-1', true],
    ['web-*', 'api-1', false],
    ['web-*', 'my-web-1', false],
    ['api-?', 'api-1', true],
    ['api-?', 'api-10', false],
    ['db[12]', 'db1', true],
    ['db[12]', 'db3', false],
    ['db[0-9]', 'db7', true],
    ['db[!0-9]', 'db7', false],
    ['db[!0-9]', 'dbx', true],
    ['[]x]', ']', true],
    ['a[b', 'a[b', true],
    ['v1.2', 'v1x2', false],
    ['(a|b)+', '(a|b)+', true],
    ['\\*', '*', true],
    ['\\*', 'x', false],
    ['*.local', 'a/b.local', true],
    ['Web', 'web', false],
  ])('%p against %p is %p', (pattern, text, expected) => {
    expect(matchesGlob(pattern, text)).toBe(expected);
  });

  it('compiles each pattern once', () => {
    expect(globToRegExp('cache-*')).toBe(globToRegExp('cache-*'));
  });
});
