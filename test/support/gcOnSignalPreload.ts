import { writeFileSync } from 'node:fs';

/**
 * Preloaded (`node --expose-gc --require …`) into an agent process that a test or soak measures: SIGUSR2 runs a full
 * garbage collection and writes `process.memoryUsage()` after it to the file DOCKWATCH_GC_REPORT names, so memory is
 * compared after a GC (the JS heap left is what is really held) rather than at whatever point V8 reached.
 */
export function collectOnSignal(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  const report = process.env.DOCKWATCH_GC_REPORT;
  if (!collect || !report) return;
  process.on('SIGUSR2', () => {
    collect();
    writeFileSync(report, JSON.stringify(process.memoryUsage()));
  });
}

collectOnSignal();
