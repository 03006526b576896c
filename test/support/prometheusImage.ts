import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE } from './dockwatchImage';
import { PROMETHEUS_BIN } from './prometheus';
import { runTool } from './toolRun';

/**
 * A Prometheus image made here (no registry to pull prom/prometheus from): this machine's Prometheus binary (Debian's,
 * linked only against glibc) on the local dockwatch base. Built once per Prometheus version; returns its reference.
 */
export async function ensurePrometheusImage(): Promise<string> {
  const version = await runTool(PROMETHEUS_BIN, ['--version']);
  const number = /version (\d+\.\d+\.\d+)/.exec(version.output)?.[1];
  if (version.code !== 0 || !number) throw new Error(`cannot tell the version of ${PROMETHEUS_BIN}: ${version.output}`);
  const ref = `dockwatch-test/prometheus:${number}`;
  if ((await runTool('docker', ['image', 'inspect', ref])).code === 0) return ref;
  const context = mkdtempSync(join(tmpdir(), 'dockwatch-prometheus-image-'));
  try {
    copyFileSync(PROMETHEUS_BIN, join(context, 'prometheus'));
    writeFileSync(
      join(context, 'Dockerfile'),
      [
        `FROM ${BASE_IMAGE}`,
        'COPY prometheus /bin/prometheus',
        'RUN mkdir -p /prometheus /etc/prometheus',
        'WORKDIR /prometheus',
        'ENTRYPOINT ["/bin/prometheus"]',
        'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]',
        '',
      ].join('\n'),
    );
    const build = await runTool('docker', ['build', '-t', ref, context], { timeoutMs: 300_000 });
    if (build.code !== 0) throw new Error(`docker build of ${ref} failed:\n${build.output.slice(-3000)}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return ref;
}
