import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { freePort } from './freePort';
import { ExitedEarly, startServerProcess } from './serverProcess';

/** Debian's binaries (scripts/ensure-monitoring.sh installs them); override with PROMETHEUS_BIN / PROMTOOL_BIN. */
export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

/** One element of an instant-query vector result. */
export type PromSample = { metric: Record<string, string>; value: [number, string] };

/** What {@link startPrometheus} scrapes and how often. */
export type PrometheusOptions = {
  /** `host:port` (path /metrics) or a full URL such as `http://127.0.0.1:9400/custom/metrics`. */
  scrapeTargets: string[];
  /** Also scrape Prometheus's own /metrics (its address is only known once the port is chosen). */
  scrapeSelf?: boolean;
  scrapeInterval?: string;
  /** Job label of every target, default "test". */
  jobName?: string;
  /** Rule files (absolute paths) to load, e.g. alerting rules under test. */
  ruleFiles?: string[];
  /** Alertmanager addresses (`host:port`) to send alerts to. */
  alertmanagers?: string[];
  /** How long to wait for /-/ready, default 30 s. */
  readyTimeoutMs?: number;
};

/** A running Prometheus started by {@link startPrometheus}. */
export type RunningPrometheus = {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** `host:port` it listens on (what a scrape target or a data source needs). */
  address: string;
  /** Instant query through /api/v1/query; throws unless the result is a vector. */
  query(expr: string): Promise<PromSample[]>;
  /** Kills the process and removes its config and data; safe to call twice. */
  stop(): Promise<void>;
  /** Everything it wrote to stderr (its log), for failure messages. */
  log(): string;
};

function staticConfigs(targets: string[]): Array<{ targets: string[]; labels?: Record<string, string> }> {
  return targets.map((target) => {
    if (!/^[a-z]+:\/\//i.test(target)) return { targets: [target] };
    const url = new URL(target);
    return {
      targets: [url.host],
      labels: { __scheme__: url.protocol.replace(/:$/, ''), __metrics_path__: url.pathname + url.search },
    };
  });
}

function configYaml(opts: PrometheusOptions, selfAddress: string): string {
  const targets = opts.scrapeSelf ? [...opts.scrapeTargets, selfAddress] : opts.scrapeTargets;
  const interval = opts.scrapeInterval ?? '1s';
  const config: Record<string, unknown> = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: [{ job_name: opts.jobName ?? 'test', static_configs: staticConfigs(targets) }],
  };
  if (opts.ruleFiles?.length) config.rule_files = opts.ruleFiles;
  if (opts.alertmanagers?.length) {
    config.alerting = { alertmanagers: [{ static_configs: [{ targets: opts.alertmanagers }] }] };
  }
  return YAML.stringify(config);
}

async function launch(opts: PrometheusOptions, dir: string): Promise<RunningPrometheus> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const url = `http://${address}`;
  const configFile = path.join(dir, 'prometheus.yml');
  await writeFile(configFile, configYaml(opts, address));
  const server = await startServerProcess({
    name: 'prometheus',
    bin: PROMETHEUS_BIN,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=${address}`,
      '--log.level=warn',
    ],
    readyUrl: `${url}/-/ready`,
    isReady: (res) => res.ok,
    what: `prometheus at ${url} to be ready`,
    timeoutMs: opts.readyTimeoutMs ?? 30_000,
    intervalMs: 100,
  });

  return {
    url,
    address,
    log: server.log,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: PromSample[] };
      };
      if (body.status !== 'success' || !body.data) throw new Error(`query ${expr} failed: ${body.error ?? res.status}`);
      if (body.data.resultType !== 'vector') {
        throw new Error(`query ${expr} returned a ${body.data.resultType}, not a vector`);
      }
      return body.data.result;
    },
    stop: server.stop,
  };
}

/**
 * Starts Debian's Prometheus on a free loopback port with a temporary config and TSDB, waits for /-/ready, and
 * returns a handle to query and stop it. Retries with another port when the chosen one was taken meanwhile.
 */
export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dockwatch-prometheus-'));
  for (let attempt = 1; ; attempt += 1) {
    try {
      const running = await launch(opts, path.join(dir, `attempt-${attempt}`));
      return {
        ...running,
        async stop() {
          await running.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      const portTaken = err instanceof ExitedEarly && /address already in use/i.test(err.message);
      if (!portTaken || attempt >= 3) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
}

/** Runs `promtool check metrics` on an exposition; ok is false for parse errors and lint problems alike. */
export function promtoolCheckMetrics(text: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL_BIN, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', (err) => reject(new Error(`cannot run ${PROMTOOL_BIN}: ${err.message}`)));
    child.once('close', (code) => resolve({ ok: code === 0, output: output.trim() }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(text);
  });
}
