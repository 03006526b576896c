import {
  parseExecRequest,
  parseRemoveImageRequest,
  parseRemoveRequest,
} from '../../../api/controlApiMaintenanceRequests';

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return `${(err as { status?: number }).status} ${(err as Error).message}`;
  }
  return 'no error';
}

describe('control API bodies of rm, rmi and exec', () => {
  it('reads valid bodies with defaults', () => {
    expect(parseRemoveRequest({ by: 'alice' })).toEqual({ by: 'alice', force: false, volumes: false });
    expect(parseRemoveRequest({ by: 'a', force: true, volumes: true })).toEqual({
      by: 'a',
      force: true,
      volumes: true,
    });
    expect(parseRemoveImageRequest({ by: 'a', image: 'app:v1' })).toEqual({
      by: 'a',
      image: 'app:v1',
      force: false,
      nameable: [],
    });
    const id = 'c'.repeat(64);
    expect(parseRemoveImageRequest({ by: 'a', image: 'app:v1', nameable: [id] })).toMatchObject({ nameable: [id] });
    expect(parseRemoveImageRequest({ by: 'a', image: 'sha256:0123456789ab' })).toMatchObject({ force: false });
    expect(parseExecRequest({ by: 'a', argv: ['ps', 'aux'], timeoutMs: 30_000 })).toEqual({
      by: 'a',
      argv: ['ps', 'aux'],
      timeoutMs: 30_000,
    });
  });

  it('names every bad field with a 400', () => {
    expect(problem(() => parseRemoveRequest({ force: 'yes', volume: true }))).toBe(
      '400 "volume": unknown field (did you mean "volumes"?); by: required, the name of who asked; force: "yes" is not true or false',
    );
    expect(problem(() => parseRemoveImageRequest({ by: 'a', image: 'App;rm' }))).toBe(
      '400 image: invalid image reference "App;rm": the repository name must be lowercase',
    );
    for (const nameable of ['web', ['web'], ['C'.repeat(64)], Array(10_001).fill('c'.repeat(64))]) {
      expect(problem(() => parseRemoveImageRequest({ by: 'a', image: 'app:v1', nameable }))).toBe(
        '400 nameable: a list of at most 10000 full container IDs (64 hex digits)',
      );
    }
    expect(problem(() => parseExecRequest({ by: 'a', argv: [], timeoutMs: 1 }))).toBe(
      '400 argv: required, a list of 1 to 64 strings; timeoutMs: "1" is not a whole number of ms from 1000 to 240000',
    );
    expect(problem(() => parseExecRequest({ by: 'a', argv: ['--', 'ps'], timeoutMs: 1000 }))).toBe(
      '400 argv: the program "--" must not be empty or start with "-"',
    );
    expect(problem(() => parseExecRequest({ by: 'a', argv: ['ps', 1], timeoutMs: 1000 }))).toBe(
      '400 argv: every word must be a string of at most 1000 characters without NUL',
    );
    expect(problem(() => parseExecRequest('ps'))).toMatch(/^400 the request body must be a JSON object/);
  });
});
