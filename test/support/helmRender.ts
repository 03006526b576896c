import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository's root directory. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

/** The chart under test. */
export const CHART_DIR = path.join(REPO_ROOT, 'helm/dockwatch');

/**
 * Builds tools/helm-render when its sources changed (scripts/ensure-helm-render.sh: Debian's Go and sprig, offline)
 * and returns the binary's path. Throws with the script's output when it fails.
 */
export function ensureHelmRender(): string {
  const script = path.join(REPO_ROOT, 'scripts/ensure-helm-render.sh');
  const run = spawnSync('bash', [script], { encoding: 'utf8', timeout: 600_000 });
  const lines = (run.stdout ?? '').trim().split('\n');
  const bin = lines[lines.length - 1];
  if (run.status !== 0 || !bin) {
    throw new Error(`scripts/ensure-helm-render.sh failed (exit ${run.status}):\n${run.stderr}${run.stdout}`);
  }
  return bin;
}

/** Values for one render: paths of values files and/or values given inline (later ones win, as `helm -f`). */
export type ValuesSource = string | Record<string, unknown>;

/** What `helm template` would print, or the error it would stop with. */
export type RenderResult = { ok: true; output: string } | { ok: false; error: string };

/** What one render uses besides the chart: values, release name and namespace, and whether NOTES.txt is wanted. */
export type RenderOptions = {
  values?: ValuesSource[];
  releaseName?: string;
  namespace?: string;
  notes?: boolean;
};

/** Renders {@link CHART_DIR} with helm-render, like `helm template NAME CHART -n NS -f ...`. */
export function renderChart(bin: string, opts: RenderOptions = {}): RenderResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dockwatch-helm-'));
  try {
    const args: string[] = ['-name', opts.releaseName ?? 'dockwatch', '-namespace', opts.namespace ?? 'default'];
    (opts.values ?? []).forEach((source, i) => {
      if (typeof source === 'string') {
        args.push('-f', source);
        return;
      }
      const file = path.join(dir, `values-${i}.yaml`);
      writeFileSync(file, JSON.stringify(source)); // JSON is YAML without YAML 1.1's surprises (yes, on, 010)
      args.push('-f', file);
    });
    if (opts.notes) args.push('-notes');
    args.push(CHART_DIR);
    const run = spawnSync(bin, args, { encoding: 'utf8', timeout: 60_000 });
    if (run.status === 0) return { ok: true, output: run.stdout };
    return { ok: false, error: (run.stderr || run.stdout || `exit ${run.status}`).trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Renders and returns the output; throws with helm-render's error when the chart does not render. */
export function renderOrThrow(bin: string, opts: RenderOptions = {}): string {
  const result = renderChart(bin, opts);
  if (!result.ok) throw new Error(`the chart did not render: ${result.error}`);
  return result.output;
}
