import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TEST_LABEL, TEST_RUN_LABEL, testRunId } from './engine';

const run = promisify(execFile);

/** `docker ARGS…` (the CLI, as a user would type it); resolves with its trimmed stdout, rejects on a failure. */
export const docker = (...args: string[]): Promise<string> => run('docker', args).then((r) => r.stdout.trim());

/** `docker run -d` as a user would type it, with this run's test labels; resolves with the container id. */
export function dockerRun(name: string, image: string, options: string[] = [], cmd: string[] = []): Promise<string> {
  const labels = ['--label', `${TEST_LABEL}=1`, '--label', `${TEST_RUN_LABEL}=${testRunId}`];
  return docker('run', '-d', '--name', name, ...labels, ...options, image, ...cmd);
}
