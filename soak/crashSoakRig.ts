import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { STORE_FILE } from '../agent/store/database';
import { BUILT_CLI, startAgentProcess, writeAgentConfig, type AgentProcess } from '../test/support/ctlProcess';
import { removeTestContainers, runTestContainer, TEST_RUN_LABEL, testDocker, testRunId } from '../test/support/engine';
import { freePort } from '../test/support/freePort';
import { startRecordingServer, type RecordingServer } from '../test/support/recordingServer';
import { tallyCrashSoak, type CrashSoakTally, type DeliveredNotification, type LoggerTally } from './crashSoakTally';

/** How hard the crash soak pushes. */
export type CrashSoakOptions = {
  /** How long the agent is killed and containers come and go. */
  durationMs: number;
  /** Containers logging at once. */
  loggers: number;
  /** Lines per second written by all of them together. */
  linesPerSecond: number;
  /** Numbered stdout lines each container writes before it exits (plus every 10th on stderr). */
  linesPerLogger: number;
  /** A kill comes this long (ms, uniform in the range) after the agent was spawned. */
  killAfterMs: readonly [number, number];
  /** How long to wait at the end for the last lines and notifications. */
  drainTimeoutMs?: number;
  progress?: (message: string) => void;
  /** Leaves the data dir and the containers behind (to look into a failed run); the path goes to `progress`. */
  keep?: boolean;
};

/** What one crash soak saw: the tally, what went wrong on the way, and the tail of the agent's log. */
export type CrashSoakRun = {
  tally: CrashSoakTally;
  problems: string[];
  agentLog: string;
  /** For each repeated notification id: ms from its first POST to the kill that followed (the outbox's window). */
  repeatWindowsMs: number[];
};

type Logger = LoggerTally & { id: string; removed: boolean; detail?: string };

type CountRow = { container_id: string; stdout: number; stderr: number };

const TICK_MS = 250;

/** The script of one logging container: numbered lines at `perSecond`, the marker on line `markAt`, then exit 0. */
function loggerScript(lines: number, perSecond: number, marker: string | undefined): string[] {
  const batch = Math.max(1, Math.round(perSecond / 10));
  const markAt = Math.ceil(lines / 2);
  const line = marker
    ? `if [ $i = ${markAt} ]; then echo "line $i ${marker};"; else echo "line $i"; fi`
    : 'echo "line $i"';
  return [
    'sh',
    '-c',
    `i=0; while [ $i -lt ${lines} ]; do i=$((i+1)); ${line}; [ $((i%10)) = 0 ] && echo "err $i" >&2; ` +
      `[ $((i%${batch})) = 0 ] && sleep 0.1; done; true`,
  ];
}

const markerName = (i: number) => `mark-${String(i).padStart(4, '0')}`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The crash soak: a `dockwatch agent` process (the built CLI) SIGKILLed at random moments while containers log
 * numbered lines, start, exit and are removed, and one log rule per marker notifies a webhook. A container is
 * removed only once the agent's store counts all its lines (`log_processed_lines`): the engine cannot give the lines
 * of a removed container, so it is kept until the agent has read it to the end, also while the agent is down. At the
 * end every line must be counted once, every marker notified under one id, and the store must pass integrity_check.
 */
export async function runCrashSoak(opts: CrashSoakOptions): Promise<CrashSoakRun> {
  const say = opts.progress ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-crash-soak-'));
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'dockwatch.yaml');
  const perLogger = opts.linesPerSecond / opts.loggers;
  const lifetimeMs = (opts.linesPerLogger / perLogger) * 1000;
  const markerCount = Math.ceil((opts.durationMs / lifetimeMs + 2) * opts.loggers * 1.5);
  const problems: string[] = [];
  const hook = await startRecordingServer();
  const port = await freePort();
  writeAgentConfig(configFile, { dataDir, port }, [
    'stats: { interval: 1s }',
    'alerts:',
    '  groupWait: 0s',
    '  groupWindow: 1s',
    '  rules:',
    ...Array.from(
      { length: markerCount },
      (_, i) => `    - { name: ${markerName(i)}, kind: log, contains: '${markerName(i)};', resolveAfter: 1h }`,
    ),
    '  routes: [{ notifiers: [hook] }]',
    `notifiers: [{ name: hook, type: webhook, url: "${hook.url}/hook" }]`,
  ]);

  let agentLog = '';
  let killed: ChildProcess | undefined;
  let final: AgentProcess | undefined;
  let counts: Database.Database | undefined;
  const loggers: Logger[] = [];
  let kills = 0;
  const killedAt: number[] = [];
  try {
    // The first start creates the store and sets when tailing began, before any container logs.
    final = await startAgentProcess(configFile, port);
    await final.stop();
    final = undefined;
    counts = new Database(join(dataDir, STORE_FILE), { readonly: true, fileMustExist: true });
    counts.pragma('busy_timeout = 2000');
    const end = Date.now() + opts.durationMs;
    say(
      `${opts.loggers} loggers at ${opts.linesPerSecond} lines/s, ${markerCount} marker rules, kills every ` +
        `${opts.killAfterMs[0] / 1000}-${opts.killAfterMs[1] / 1000} s for ${opts.durationMs / 1000} s`,
    );

    const killing = (async () => {
      while (Date.now() < end) {
        const child = spawn(process.execPath, [BUILT_CLI, '--config', configFile, 'agent'], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        killed = child;
        child.stderr?.on('data', (d: Buffer) => (agentLog = (agentLog + d.toString()).slice(-20_000)));
        const [low, high] = opts.killAfterMs;
        await sleep(Math.min(low + Math.random() * (high - low), Math.max(0, end - Date.now())));
        const exited = new Promise((resolve) => child.once('exit', resolve));
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          killedAt.push(Date.now());
          kills += 1;
        } else problems.push(`the agent exited by itself (code ${child.exitCode}): ${agentLog.slice(-2000)}`);
        await exited;
        if (kills % 5 === 0) say(`${kills} kills, ${loggers.length} containers so far`);
      }
      killed = undefined;
    })();

    const followLoggers = async (until: () => boolean) => {
      while (!until()) {
        await tick(loggers, counts as Database.Database, problems);
        const running = loggers.filter((l) => !l.removed && l.written === 0).length;
        for (let n = running; Date.now() < end && n < opts.loggers; n++) {
          const marker = loggers.length < markerCount ? markerName(loggers.length) : undefined;
          const started = await runTestContainer({
            name: 'crash-soak',
            cmd: loggerScript(opts.linesPerLogger, perLogger, marker),
          });
          loggers.push({ ...started, written: 0, counted: 0, ...(marker && { marker }), removed: false });
        }
        await sleep(TICK_MS);
      }
    };
    const drainBy = () => Date.now() + (opts.drainTimeoutMs ?? 90_000);
    let drainDeadline = Number.POSITIVE_INFINITY;
    const following = followLoggers(
      () => Date.now() >= end && (loggers.every((l) => l.removed) || Date.now() >= drainDeadline),
    );
    await killing;
    say(`${kills} kills; the agent runs again until every line and notification is in`);
    final = await startAgentProcess(configFile, port);
    drainDeadline = drainBy();
    await following;
    const markers = loggers.filter((l) => l.marker).length;
    const firing = () =>
      new Set(
        notifications(hook)
          .filter((n) => n.status === 'firing')
          .map((n) => n.rule),
      ).size;
    while (firing() < markers && Date.now() < drainDeadline) await sleep(TICK_MS);
    await sleep(3000);
    const leftover = (counts.prepare('SELECT COUNT(*) AS n FROM log_processed_lines').get() as { n: number }).n;
    if (leftover > loggers.filter((l) => !l.removed).length) {
      problems.push(`${leftover} processed-line counts stored for removed containers (they should go with them)`);
    }
    agentLog = final.log();
    await final.stop();
    final = undefined;
    counts.close();
    counts = undefined;
    for (const l of loggers.filter((l) => l.counted !== l.written)) {
      problems.push(`${l.name} wrote ${l.written} lines, the store counts ${l.counted} (${l.detail ?? 'no row'})`);
    }
    const integrity = integrityOf(join(dataDir, STORE_FILE));
    const tally = tallyCrashSoak(kills, loggers, notifications(hook), integrity);
    return { tally, problems, agentLog, repeatWindowsMs: repeatWindows(hook, killedAt, problems) };
  } finally {
    killed?.kill('SIGKILL');
    await final?.stop();
    counts?.close();
    await hook.stop();
    if (opts.keep) say(`kept ${dir} and the containers`);
    else {
      await removeTestContainers();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * One look at the containers: an exited one gets its written count; one whose lines the store counts in full is
 * removed (its last count kept), one counted beyond what it wrote too (the excess is the duplicates).
 */
async function tick(loggers: Logger[], counts: Database.Database, problems: string[]): Promise<void> {
  const listed = await testDocker().listContainers({
    all: true,
    filters: { label: [`${TEST_RUN_LABEL}=${testRunId}`] },
  });
  const state = new Map(listed.map((c) => [c.Id, c.State]));
  let rows: CountRow[];
  try {
    rows = counts.prepare('SELECT container_id, stdout, stderr FROM log_processed_lines').all() as CountRow[];
  } catch {
    return;
  }
  const counted = new Map(rows.map((r) => [r.container_id, r.stdout + r.stderr]));
  const detail = new Map(rows.map((r) => [r.container_id, `stdout ${r.stdout}, stderr ${r.stderr}`]));
  for (const l of loggers) {
    if (l.removed) continue;
    l.counted = counted.get(l.id) ?? l.counted;
    l.detail = detail.get(l.id) ?? l.detail;
    const s = state.get(l.id);
    if (s === undefined) {
      problems.push(`container ${l.name} vanished before the soak removed it`);
      l.removed = true;
      continue;
    }
    if (s !== 'exited') continue;
    if (l.written === 0) l.written = writtenBy(await testDocker().getContainer(l.id).inspect());
    if (l.counted >= l.written) {
      await testDocker().getContainer(l.id).remove({ force: true });
      l.removed = true;
    }
  }
}

/** Lines a logger wrote: its stdout lines (the loop bound in its command) and every 10th again on stderr. */
function writtenBy(info: { Config: { Cmd?: string[] | string }; State: { ExitCode: number } }): number {
  const cmd = Array.isArray(info.Config.Cmd) ? info.Config.Cmd.join(' ') : (info.Config.Cmd ?? '');
  const lines = Number(/-lt (\d+)/.exec(cmd)?.[1] ?? 0);
  if (info.State.ExitCode !== 0) throw new Error(`a logger exited with code ${info.State.ExitCode}`);
  return lines + Math.floor(lines / 10);
}

/**
 * Where each repeated id falls: a repeat is only explained by a kill after its first POST and before the repeat
 * (the agent died between the 2xx and recording it); a repeat within one agent's life is a problem.
 */
function repeatWindows(hook: RecordingServer, killedAt: readonly number[], problems: string[]): number[] {
  const firstAt = new Map<string, number>();
  const windows: number[] = [];
  for (const r of hook.requestsTo('/hook')) {
    const id = (JSON.parse(r.body) as { id: string }).id;
    const first = firstAt.get(id);
    if (first === undefined) {
      firstAt.set(id, r.at);
      continue;
    }
    const kill = killedAt.find((k) => k >= first && k <= r.at);
    if (kill === undefined) problems.push(`notification ${id} was POSTed again without a kill in between`);
    else windows.push(kill - first);
  }
  return windows;
}

/** The webhook POSTs as notifications: id, rule, status and the containers of their alerts. */
function notifications(hook: RecordingServer): DeliveredNotification[] {
  return hook.requestsTo('/hook').map((r) => {
    const body = JSON.parse(r.body) as {
      id: string;
      rule?: string;
      status?: string;
      alerts?: { labels: Record<string, string> }[];
    };
    return {
      id: body.id,
      rule: body.rule ?? '',
      status: body.status ?? '',
      containers: (body.alerts ?? []).map((a) => a.labels.container ?? ''),
    };
  });
}

/** `PRAGMA integrity_check` of the store once the agent stopped: `ok`, or the first problem it names. */
function integrityOf(file: string): string {
  const db = new Database(file, { fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}
