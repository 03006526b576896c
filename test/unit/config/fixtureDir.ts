import { join } from 'node:path';

/** Config fixtures: `full.yaml` is valid; every other file holds one failure and its `# expect:` lines. */
export const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'config');

/** Path of one fixture file. */
export function fixture(name: string): string {
  return join(FIXTURE_DIR, name);
}
