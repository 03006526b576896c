import { join } from 'node:path';
import { ConfigError } from '../../../config/configError';

/** Config fixtures: `full.yaml` is valid; every other file holds one failure and its `# expect:` lines. */
export const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'config');

/** Path of one fixture file. */
export function fixture(name: string): string {
  return join(FIXTURE_DIR, name);
}

/** The problems of the ConfigError that `load` throws; fails the test when it loads or throws something else. */
export function problemsOf(load: () => unknown): readonly string[] {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}
