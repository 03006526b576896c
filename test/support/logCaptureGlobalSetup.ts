import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_CAPTURE_DIR_ENV } from './logCapture';

/** The compiled preload that copies the output of every dockwatch CLI process of the run (`npm run build` makes it). */
export const CAPTURE_PRELOAD = join(__dirname, '../../dist/test/support/logCapturePreload.js');

const PREFIX = 'dockwatch-test-logs-';
const STALE_MS = 24 * 3_600_000;

/** Capture directories a day old: kept by a run that found a secret, or left by one that was killed. */
function removeStale(base: string): void {
  for (const name of readdirSync(base).filter((n) => n.startsWith(PREFIX))) {
    const dir = join(base, name);
    if (Date.now() - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * jest globalSetup: one capture directory for the whole run ($DOCKWATCH_STATE_DIR/test-logs/… when set, else the
 * temp dir), named in the environment every test file and child process inherits, and the preload added to
 * NODE_OPTIONS so dockwatch processes the tests spawn write there too. The secret scan reads it at the end.
 */
export default function logCaptureGlobalSetup(): void {
  const base = process.env.DOCKWATCH_STATE_DIR ? join(process.env.DOCKWATCH_STATE_DIR, 'test-logs') : tmpdir();
  mkdirSync(base, { recursive: true });
  removeStale(base);
  process.env[LOG_CAPTURE_DIR_ENV] = mkdtempSync(join(base, PREFIX));
  if (existsSync(CAPTURE_PRELOAD)) {
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${CAPTURE_PRELOAD}`.trim();
  }
}
