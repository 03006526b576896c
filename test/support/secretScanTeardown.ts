import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { captureDir, RAN_FILE } from './logCapture';
import { CAPTURE_PRELOAD } from './logCaptureGlobalSetup';
import { scanLogs, type ScanResult } from './secretScan';

/**
 * A whole integration run reads at least this many log lines (some from in-process loggers, some from dockwatch
 * processes, so both ways of capturing work), distinct secrets and configs, or the scan proves nothing. Set well
 * under what single files showed (2026-12-06: cli.test.ts alone 120 process lines; 17 secrets in 3 configs for
 * notifierHang and notifiersDelivery), so that only a capture that broke trips it.
 */
export const MIN_SCANNED = { lines: 200, inProcessLines: 1, processLines: 50, secrets: 15, sources: 15 };

const INTEGRATION = 'test/integration';
const SHOWN_FINDINGS = 30;

/**
 * jest globalTeardown, the secret scan: once every test file has finished, reads every log line the run's dockwatch
 * code wrote (in-process loggers and CLI processes, see logCapture.ts) and fails the run if any secret a config of the
 * run held appears, naming the file, line and the secret's config path (never its value). When the whole
 * integration suite ran it also fails if too few lines or secrets were read to mean anything. Runs that include no
 * integration test are not scanned.
 */
export default function secretScanTeardown(): void {
  const dir = captureDir();
  if (!dir || !existsSync(dir)) return;
  const ran = existsSync(join(dir, RAN_FILE)) ? readFileSync(join(dir, RAN_FILE), 'utf8').split('\n') : [];
  const integration = new Set(ran.filter((f) => f.startsWith(`${INTEGRATION}/`)));
  if (integration.size === 0) return void rmSync(dir, { recursive: true, force: true });
  const result = scanLogs(dir);
  const whole = readdirSync(join(__dirname, '../..', INTEGRATION))
    .filter((f) => f.endsWith('.test.ts'))
    .every((f) => integration.has(`${INTEGRATION}/${f}`));
  process.stderr.write(`${summary(result, integration.size, whole)}\n`);
  if (result.findings.length > 0) throw new Error(`${findingsReport(result)}\nthe logs are kept in ${dir}`);
  const thin = (Object.keys(MIN_SCANNED) as (keyof typeof MIN_SCANNED)[]).filter((k) => result[k] < MIN_SCANNED[k]);
  if (whole && thin.length > 0) {
    const got = thin.map((k) => `${k} ${result[k]} < ${MIN_SCANNED[k]}`).join(', ');
    throw new Error(`secret scan: read too little to prove anything (${got}); is ${CAPTURE_PRELOAD} built? ${dir}`);
  }
  rmSync(dir, { recursive: true, force: true });
}

function summary(result: ScanResult, testFiles: number, whole: boolean): string {
  const short = result.tooShort.length
    ? `; ${result.tooShort.length} too short to scan: ${result.tooShort.join(', ')}`
    : '';
  const verdict = result.findings.length ? `${result.findings.length} lines hold a secret` : 'no secret found';
  return (
    `secret scan: ${result.lines} log lines (${result.inProcessLines} of in-process loggers, ${result.processLines} of ` +
    `dockwatch processes) in ${result.files} files of ${testFiles} integration test files` +
    `${whole ? ' (the whole suite)' : ''}, ${result.secrets} secrets from ${result.sources} configs${short}: ${verdict}`
  );
}

function findingsReport(result: ScanResult): string {
  const lines = result.findings
    .slice(0, SHOWN_FINDINGS)
    .map(
      (f) => `  ${f.file}:${f.line} holds ${f.path} (a secret of the config loaded by ${f.source}; value not shown)`,
    );
  const more = result.findings.length - lines.length;
  return [
    `secret scan: ${result.findings.length} log lines hold a configured secret:`,
    ...lines,
    ...(more > 0 ? [`  … and ${more} more`] : []),
  ].join('\n');
}
