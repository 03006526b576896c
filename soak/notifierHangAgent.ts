import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { freePort } from '../bench/agentProcess';
import { waitForExit } from '../bench/childProcess';
import type { NotifierType } from '../alerts/notifiers/notifier';

/** One notifier of the agent under test: its config name, type, URL and timeout. */
export type HangLaneConfig = { name: string; type: NotifierType; url: string; timeout: string };

/** The agent under test, `node dist/cli.js agent` in its own process, and what the rig reads from it. */
export type HangAgent = {
  pid: number;
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resident set size in KiB (from /proc). */
  rssKb(): number;
  /** Open file descriptors that are sockets (from /proc). */
  socketFds(): number;
  /** `dockwatch_notifications_total` by notifier and result, from /metrics. */
  deliveries(): Promise<Map<string, number>>;
  /** SIGTERM and wait for the exit: its code (or signal) and how long it took, in ms (undefined: still running). */
  stop(waitMs: number): Promise<{ exit: string; ms: number | undefined }>;
};

/** Label on the rig's containers: the agent watches only them; `dockwatch.test=1` lets the test scripts clean up. */
export const HANG_LABEL = 'dockwatch.notifier-hang';

/** The rule whose alerts every notifier receives: one match fires, resolved 1 s after the last. */
export const MARK_RULE = 'mark';

/** The agent's YAML: the rig's containers only, the `mark` log rule routed to every lane. */
export function hangAgentConfig(
  dataDir: string,
  port: number,
  runId: string,
  lanes: readonly HangLaneConfig[],
): string {
  return [
    'agent:',
    `  dataDir: ${JSON.stringify(dataDir)}`,
    `  listen: 127.0.0.1:${port}`,
    '  logLevel: info',
    'containers:',
    `  include: { labels: { ${HANG_LABEL}: "${runId}" } }`,
    'alerts:',
    '  groupWait: 0s',
    '  groupWindow: 100ms',
    '  rules:',
    `    - { name: ${MARK_RULE}, kind: log, contains: 'MARK seq=', resolveAfter: 1s }`,
    '  routes:',
    `    - { notifiers: [${lanes.map((l) => l.name).join(', ')}] }`,
    'notifiers:',
    ...lanes.map((l) => `  - { name: ${l.name}, type: ${l.type}, url: "${l.url}", timeout: ${l.timeout} }`),
    '',
  ].join('\n');
}

/** Starts the agent on a free loopback port and waits until /readyz answers. */
export async function startHangAgent(
  cliPath: string,
  runId: string,
  lanes: readonly HangLaneConfig[],
): Promise<HangAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-notifier-hang-'));
  const config = join(dir, 'agent.yaml');
  const port = await freePort();
  writeFileSync(config, hangAgentConfig(join(dir, 'data'), port, runId, lanes));
  const child = spawn(process.execPath, [cliPath, '--config', config, 'agent'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-200_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start the agent: ${cliPath}`);
  const url = `http://127.0.0.1:${port}`;
  const agent: HangAgent = {
    pid,
    url,
    output: () => log,
    rssKb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0),
    socketFds: () => countSocketFds(pid),
    deliveries: async () => parseDeliveries(await (await fetch(`${url}/metrics`)).text()),
    async stop(waitMs) {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const exited = await waitForExit(child, waitMs);
      const ms = exited ? Date.now() - started : undefined;
      if (!exited) child.kill('SIGKILL');
      await waitForExit(child, 5_000);
      rmSync(dir, { recursive: true, force: true });
      return { exit: child.signalCode ?? String(child.exitCode), ms };
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return agent;
    if (child.exitCode !== null || Date.now() > deadline) {
      await agent.stop(5_000);
      throw new Error(`the agent did not get ready within 30s; its output:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function countSocketFds(pid: number): number {
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets += 1;
    } catch {
      // closed while we looked
    }
  }
  return sockets;
}

/** `notifier/result` → count, from the exposition's `dockwatch_notifications_total` lines. */
function parseDeliveries(exposition: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (!line.startsWith('dockwatch_notifications_total{')) continue;
    const notifier = /notifier="([^"]*)"/.exec(line)?.[1];
    const result = /result="([^"]*)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (notifier !== undefined && result !== undefined) out.set(`${notifier}/${result}`, value);
  }
  return out;
}

/** A container that echoes what the rig writes to its stdin (`cat`), so each marker's send time is known exactly. */
export type MarkerContainer = { write(line: string): void; remove(): Promise<void> };

/** Creates and starts the marker container (image `dockwatch-test/busybox:1`), attached to its stdin. */
export async function startMarkerContainer(name: string, runId: string): Promise<MarkerContainer> {
  const docker = new Docker();
  const container = await docker.createContainer({
    Image: 'dockwatch-test/busybox:1',
    name: `dockwatch-test-hang-${name}`,
    Cmd: ['cat'],
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: true,
    Labels: { [HANG_LABEL]: runId, 'dockwatch.test': '1' },
  });
  const stdin = (await container.attach({ stream: true, stdin: true, hijack: true })) as NodeJS.ReadWriteStream;
  await container.start();
  return {
    write: (line) => void stdin.write(`${line}\n`),
    async remove() {
      stdin.end();
      await container.remove({ force: true }).catch(() => undefined);
    },
  };
}
