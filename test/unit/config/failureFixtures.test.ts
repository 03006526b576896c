import { readdirSync, readFileSync } from 'node:fs';
import { ConfigError } from '../../../config/configError';
import { loadConfig } from '../../../config/load';
import { FIXTURE_DIR, fixture, problemsOf } from './fixtureDir';

const failures = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.yaml') && f !== 'full.yaml');

function expectedProblems(name: string): string[] {
  return readFileSync(fixture(name), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('# expect: '))
    .map((line) => line.slice('# expect: '.length));
}

describe('config failure fixtures', () => {
  it('has fixtures', () => {
    expect(failures.length).toBeGreaterThan(20);
  });

  it.each(failures)('%s fails with exactly its expected problems', (name) => {
    const expected = expectedProblems(name);
    expect(expected.length).toBeGreaterThan(0);
    expect(problemsOf(() => loadConfig({ file: fixture(name), env: {} }))).toEqual(expected);
  });

  it('names the file in the error message', () => {
    const file = fixture('bad-duration.yaml');
    expect(() => loadConfig({ file, env: {} })).toThrow(
      new ConfigError([`stats.interval: "5 sec" is not a duration (use e.g. 500ms, 5s, 1m, 4h)`], file),
    );
    try {
      loadConfig({ file, env: {} });
    } catch (err) {
      expect((err as Error).message).toBe(
        `1 problem in ${file}:\n  stats.interval: "5 sec" is not a duration (use e.g. 500ms, 5s, 1m, 4h)`,
      );
    }
  });

  it('never prints the token, even when it is the bad value', () => {
    try {
      loadConfig({ file: fixture('token-not-a-string.yaml'), env: {} });
    } catch (err) {
      expect((err as Error).message).not.toContain('8675309');
    }
    expect.assertions(1);
  });

  it('reports a missing file by its path', () => {
    const file = fixture('no-such-file.yaml');
    expect(problemsOf(() => loadConfig({ file, env: {} }))).toEqual([`config file ${file} not found`]);
    expect(problemsOf(() => loadConfig({ env: { DOCKWATCH_CONFIG: file } }))).toEqual([
      `config file ${file} (from DOCKWATCH_CONFIG) not found`,
    ]);
  });

  it('reports a directory given as the file', () => {
    expect(problemsOf(() => loadConfig({ file: FIXTURE_DIR, env: {} }))).toEqual([
      `config file ${FIXTURE_DIR} is a directory`,
    ]);
  });
});
