import { appendFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import winston from 'winston';
import * as load from '../../config/load';
import { captureConfigSecrets, captureDir, captureWinston, openCaptureFile, RAN_FILE } from './logCapture';
import { IN_PROCESS_PREFIX } from './secretScan';

// jest setupFilesAfterEnv: in each test file's module registry, before the file's own imports run, every winston
// logger it builds also writes to this run's capture directory, and every config it loads records its secrets.
// The file stays open to the end of the process: a logger may still write from a test's last afterAll.
const dir = captureDir();
if (dir) {
  const testPath = relative(join(__dirname, '../..'), expect.getState().testPath ?? 'unknown');
  appendFileSync(join(dir, RAN_FILE), `${testPath}\n`);
  const file = openCaptureFile(dir, `${IN_PROCESS_PREFIX}${basename(testPath)}-${process.pid}.log`);
  captureWinston(winston, file);
  captureConfigSecrets(load as { loadConfig: typeof load.loadConfig }, dir, testPath);
}
