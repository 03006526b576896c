import { openSync, readFileSync } from 'node:fs';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import { collectorPass, hostCgroupCollector } from './benchCollector';

/** Paths opened (and failing) right before and after the traced pass, so the trace can be cut around it. */
export const PASS_START_MARKER = '/nonexistent/dockwatch-bench-pass-start';
export const PASS_END_MARKER = '/nonexistent/dockwatch-bench-pass-end';

function mark(path: string): void {
  try {
    openSync(path, 'r');
  } catch {
    // the failed openat is the marker
  }
}

/**
 * Child process run under strace by the bench: one warm-up pass of the host's cgroup collector, root container
 * included (resolves and caches cgroup paths), then one steady pass between two markers. Argument: a JSON file holding the ContainerRecords.
 */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: recordCollectorFiles.js RECORDS.json');
  const records = JSON.parse(readFileSync(file, 'utf8')) as ContainerRecord[];
  const collector = await hostCgroupCollector();
  await collectorPass(collector, records);
  mark(PASS_START_MARKER);
  const samples = await collectorPass(collector, records);
  mark(PASS_END_MARKER);
  process.stdout.write(`${JSON.stringify({ collector: collector.name, samples: samples.length })}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
