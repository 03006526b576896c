import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const DIR = join(__dirname, 'expected');

/**
 * The expected payload stored in `expected/<name>.json`. With UPDATE_EXPECTED=1 a missing file is written from
 * `actual` (review it before committing); otherwise a missing file fails the test.
 */
export function expectedPayload(name: string, actual: unknown): unknown {
  const file = join(DIR, `${name}.json`);
  if (!existsSync(file) && process.env.UPDATE_EXPECTED === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}
