import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { freePort } from './freePort';
import { ExitedEarly, startServerProcess } from './serverProcess';

/** Debian's binary (scripts/ensure-monitoring.sh installs it); override with ALERTMANAGER_BIN. */
export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

/** An alert as `GET /api/v2/alerts` returns it (the fields tests look at). */
export type GettableAlert = {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
};

/** A running Alertmanager started by {@link startAlertmanager}. */
export type RunningAlertmanager = {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** `GET /api/v2/alerts`: the alerts it holds that have not ended. */
  alerts(): Promise<GettableAlert[]>;
  /** Kills the process and removes its config and data; safe to call twice. */
  stop(): Promise<void>;
  /** Everything it wrote to stderr (its log), for failure messages. */
  log(): string;
};

/**
 * A config that routes everything, grouped by alert, to a receiver that sends nothing (the tests read the API) or,
 * with `receiverUrl`, to that webhook, resolved notifications included.
 */
function configFor(receiverUrl: string | undefined): string {
  const receiver = receiverUrl
    ? { name: 'hook', webhook_configs: [{ url: receiverUrl, send_resolved: true }] }
    : { name: 'blackhole' };
  return YAML.stringify({
    route: {
      receiver: receiver.name,
      group_by: ['...'],
      group_wait: '1s',
      group_interval: '1s',
      repeat_interval: '1h',
    },
    receivers: [receiver],
  });
}

async function launch(dir: string, readyTimeoutMs: number, receiverUrl?: string): Promise<RunningAlertmanager> {
  await mkdir(dir, { recursive: true });
  const url = `http://127.0.0.1:${await freePort()}`;
  const configFile = path.join(dir, 'alertmanager.yml');
  await writeFile(configFile, configFor(receiverUrl));
  const server = await startServerProcess({
    name: 'alertmanager',
    bin: ALERTMANAGER_BIN,
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=${new URL(url).host}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    readyUrl: `${url}/-/ready`,
    isReady: (res) => res.ok,
    what: `alertmanager at ${url} to be ready`,
    timeoutMs: readyTimeoutMs,
    intervalMs: 100,
  });

  return {
    url,
    log: server.log,
    async alerts() {
      const res = await fetch(`${url}/api/v2/alerts`);
      if (!res.ok) throw new Error(`GET /api/v2/alerts answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as GettableAlert[];
    },
    stop: server.stop,
  };
}

/**
 * Starts Debian's Alertmanager on a free loopback port with clustering off, a temporary config and storage, waits for
 * /-/ready, and returns a handle to read its alerts and stop it. With `receiverUrl` it notifies that webhook (firing
 * and resolved, one group per alert, group_wait and group_interval 1s). Retries with another port when the chosen
 * one was taken meanwhile.
 */
export async function startAlertmanager(
  opts: { readyTimeoutMs?: number; receiverUrl?: string } = {},
): Promise<RunningAlertmanager> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dockwatch-alertmanager-'));
  for (let attempt = 1; ; attempt += 1) {
    try {
      const running = await launch(
        path.join(dir, `attempt-${attempt}`),
        opts.readyTimeoutMs ?? 30_000,
        opts.receiverUrl,
      );
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
