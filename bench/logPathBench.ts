import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Docker from 'dockerode';
import { waitForExit } from './childProcess';
import { engineCpuMs, engineProcesses, processCpuMs, processesNamed } from './engineCpu';
import { startLogPathAgent, sumSeries, type LogPathAgent } from './logPathAgent';
import { removeLogBenchContainers, startLogWriters, type LogWriters } from './logPathContainers';
import { markdownTable } from './markdownTable';

/**
 * The log path bench (issue 13, target 2): N containers each write L numbered 100-byte lines while the real agent
 * (two log rules) follows them; the agent's CPU for taking every line is compared with the engine's CPU for
 * producing them (dockerd, containerd, the containers' shims) over the same window. Two more rows do the same with
 * minimal readers (no decoding: node's HTTP client, and the agent's own socket reader) to show what merely reading
 * costs. Prints a markdown table.
 *
 *     npm run build && node dist/bench/logPathBench.js [--containers 5] [--lines 200000] [--rounds 1]
 *       [--agent-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"] [--out FILE]
 */

const TARGET_RATIO = 0.3;
const IDLE_MS = 2000;
const POLL_MS = 250;

type Options = { containers: number; lines: number; rounds: number; agentNodeArgs: string[]; out?: string };

/** One measured window: the reader's CPU and the engine's over the same wall time. */
type Window = {
  reader: string;
  lines: number;
  wallMs: number;
  writeMs: number;
  readerCpuMs: number;
  engineCpuMs: number;
  /** dockerd's own share of `engineCpuMs` (the rest is containerd and the writers' shims). */
  dockerdCpuMs: number;
  /** The engine's CPU rate just before the window (nothing written), times the window: other work on the engine. */
  engineIdleCpuMs: number;
  /** The same for the reader (the agent's timers, sampling and scrapes by the bench). */
  readerIdleCpuMs: number;
  load: string;
};

function parseArgs(argv: string[]): Options {
  const opts: Options = { containers: 5, lines: 200_000, rounds: 1, agentNodeArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [key, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${key} needs a value`);
      return v;
    };
    const count = () => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${key} must be a positive integer, not ${JSON.stringify(v)}`);
      return n;
    };
    if (key === '--containers') opts.containers = count();
    else if (key === '--lines') opts.lines = count();
    else if (key === '--rounds') opts.rounds = count();
    else if (key === '--agent-node-args') opts.agentNodeArgs = value().split(' ').filter(Boolean);
    else if (key === '--out') opts.out = value();
    else throw new Error(`unknown option ${arg} (known: --containers, --lines, --rounds, --agent-node-args, --out)`);
  }
  return opts;
}

function engineSocket(): string {
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (!host.startsWith('unix://')) throw new Error(`DOCKER_HOST must be a local unix socket, not ${host}`);
  return host.slice('unix://'.length);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadAvg = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0] as string;

/** CPU ms of the reader and the engine while `ms` pass with nothing written. */
async function idleCpu(readerPid: number, enginePids: number[], ms: number) {
  const r0 = processCpuMs(readerPid);
  const e0 = engineCpuMs(enginePids);
  await sleep(ms);
  return { readerPerMs: (processCpuMs(readerPid) - r0) / ms, enginePerMs: (engineCpuMs(enginePids) - e0) / ms };
}

/** Lets the writers go and waits for `done`; measures the reader's and the engine's CPU in between. */
async function measureWindow(
  reader: string,
  readerPid: number,
  writers: LogWriters,
  lines: number,
  done: () => Promise<void>,
): Promise<Window> {
  const enginePids = engineProcesses(new Set(writers.ids));
  const dockerdPids = processesNamed(enginePids, 'dockerd');
  const idle = await idleCpu(readerPid, enginePids, IDLE_MS);
  const r0 = processCpuMs(readerPid);
  const e0 = engineCpuMs(enginePids);
  const d0 = engineCpuMs(dockerdPids);
  const t0 = Date.now();
  let writeMs = 0;
  writers.go();
  const exited = writers.exited().then(() => (writeMs = Date.now() - t0));
  await done();
  const wallMs = Date.now() - t0;
  const readerCpu = processCpuMs(readerPid) - r0;
  const engineCpu = engineCpuMs(enginePids) - e0;
  const dockerdCpu = engineCpuMs(dockerdPids) - d0;
  await exited;
  return {
    reader,
    lines,
    wallMs,
    writeMs,
    readerCpuMs: readerCpu,
    engineCpuMs: engineCpu,
    dockerdCpuMs: dockerdCpu,
    engineIdleCpuMs: idle.enginePerMs * wallMs,
    readerIdleCpuMs: idle.readerPerMs * wallMs,
    load: loadAvg(),
  };
}

async function agentRound(docker: Docker, opts: Options, cliPath: string, round: number): Promise<Window> {
  let agent: LogPathAgent | undefined;
  let writers: LogWriters | undefined;
  try {
    // Writers first: the agent finds them in its first sync (one made while it connects may wait for the next).
    writers = await startLogWriters(docker, opts.containers, opts.lines, `a${round}`);
    agent = await startLogPathAgent(cliPath, opts.agentNodeArgs);
    const names = new Set(writers.names);
    const a = agent;
    const total = opts.containers * opts.lines;
    let before = 0;
    await pollUntil(
      async () => {
        const text = await a.metrics();
        const followed = text.split('\n').filter((l) => l.startsWith('dockwatch_log_lines_total{')).length / 2;
        before = sumSeries(text, 'dockwatch_log_lines_total', names);
        return followed >= opts.containers;
      },
      180_000,
      () => `the agent to follow ${[...names].join(', ')}:\n${a.output()}`,
    );
    await settle(a.pid);
    const w = writers;
    return await measureWindow('agent (2 log rules)', a.pid, w, total, async () => {
      await pollUntil(
        async () => {
          const text = await a.metrics();
          const taken = sumSeries(text, 'dockwatch_log_lines_total', names) - before;
          const dropped = sumSeries(text, 'dockwatch_log_lines_dropped_total', names);
          if (taken + dropped > total)
            throw new Error(`the agent counted ${taken} lines and dropped ${dropped} of ${total}`);
          if (dropped > 0 && taken + dropped === total) throw new Error(`the agent dropped ${dropped} lines`);
          return taken === total;
        },
        600_000,
        () => `the agent to take ${total} lines:\n${a.output()}`,
      );
    });
  } finally {
    await agent?.stop();
    await writers?.remove();
  }
}

/** The minimal readers: node's HTTP client, or the socket reader the agent uses (see logPathReader.ts). */
const READERS = {
  http: 'minimal reader (http, no decoding)',
  socket: 'minimal reader (socket, no decoding)',
} as const;

async function readerRound(docker: Docker, opts: Options, round: number, mode: keyof typeof READERS): Promise<Window> {
  let writers: LogWriters | undefined;
  let child: ChildProcessWithoutNullStreams | undefined;
  try {
    writers = await startLogWriters(docker, opts.containers, opts.lines, `${mode[0]}${round}`);
    child = spawn(process.execPath, [join(__dirname, 'logPathReader.js'), mode, engineSocket(), ...writers.ids]);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const messages = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async (): Promise<{ ready?: boolean; done?: boolean; newlines?: number }> => {
      const { value, done } = await messages.next();
      if (done) throw new Error(`the minimal reader exited: ${stderr}`);
      return JSON.parse(value as string) as { ready?: boolean; done?: boolean; newlines?: number };
    };
    if (!(await next()).ready) throw new Error('the minimal reader did not say ready');
    const total = opts.containers * opts.lines;
    let newlines = 0;
    const w = await measureWindow(READERS[mode], child.pid as number, writers, total, async () => {
      newlines = (await next()).newlines ?? 0;
    });
    if (newlines < total + opts.containers)
      throw new Error(`the minimal reader saw ${newlines} newlines, expected ${total}`);
    return w;
  } finally {
    if (child) {
      child.stdin.end();
      if (!(await waitForExit(child, 5000))) child.kill('SIGKILL');
    }
    await writers?.remove();
  }
}

/** Waits (up to 120 s) until the agent is done starting: under 30 ms of CPU in a second (its first sync is over). */
async function settle(pid: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const before = processCpuMs(pid);
    await sleep(1000);
    if (processCpuMs(pid) - before <= 30 || Date.now() > deadline) return;
  }
}

async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await sleep(POLL_MS);
  }
}

const s = (ms: number) => (ms / 1000).toFixed(2);

/** The markdown table of the windows, and the verdict on the agent's rows. */
export function logPathReport(windows: readonly Window[]): string[] {
  const rows = windows.map((w) => [
    w.reader,
    String(w.lines),
    `${s(w.wallMs)} (${s(w.writeMs)})`,
    s(w.readerCpuMs),
    `${s(w.engineCpuMs)} (${s(w.dockerdCpuMs)})`,
    (w.readerCpuMs / w.engineCpuMs).toFixed(2),
    `${s(w.readerIdleCpuMs)} / ${s(w.engineIdleCpuMs)}`,
    ((w.lines / w.readerCpuMs) * 1000).toFixed(0),
    w.load,
  ]);
  const table = markdownTable(
    [
      'reader',
      'lines',
      'wall s (writing)',
      'reader CPU-s',
      'engine CPU-s (dockerd alone)',
      'reader / engine',
      'idle CPU-s in window (reader / engine)',
      'lines per reader CPU-s',
      'load (1 min)',
    ],
    rows,
  );
  const agent = windows.filter((w) => w.reader.startsWith('agent'));
  const verdict = (label: string, readerMs: number, engineMs: number, load: string) => {
    const ratio = readerMs / engineMs;
    return `- ${ratio <= TARGET_RATIO ? 'PASS' : 'MISS'} agent CPU ≤ ${TARGET_RATIO}× the engine's for the same lines${label}: ${ratio.toFixed(2)}× (${s(readerMs)} / ${s(engineMs)} CPU-s, load ${load})`;
  };
  const verdicts = agent.map((w) => verdict('', w.readerCpuMs, w.engineCpuMs, w.load));
  if (agent.length > 1) {
    // The engine's CPU for the same lines varies up to 2x between runs on a shared VM: pooled rounds say more.
    const sum = (f: (w: Window) => number) => agent.reduce((n, w) => n + f(w), 0);
    const loads = agent.map((w) => w.load).join(', ');
    verdicts.push(
      verdict(
        `, ${agent.length} rounds pooled`,
        sum((w) => w.readerCpuMs),
        sum((w) => w.engineCpuMs),
        loads,
      ),
    );
  }
  return [...table, '', ...verdicts];
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const docker = new Docker({ socketPath: engineSocket() });
  const cliPath = join(__dirname, '..', 'cli.js');
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('interrupted: removing the bench containers\n');
    void removeLogBenchContainers(docker).finally(() => process.exit(130));
  });
  const left = await removeLogBenchContainers(docker);
  if (left) process.stderr.write(`removed ${left} containers left over by an earlier run\n`);
  const windows: Window[] = [];
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      process.stderr.write(`round ${round}: agent\n`);
      windows.push(await agentRound(docker, opts, cliPath, round));
      for (const mode of ['http', 'socket'] as const) {
        process.stderr.write(`round ${round}: minimal reader (${mode})\n`);
        windows.push(await readerRound(docker, opts, round, mode));
      }
    }
  } finally {
    await removeLogBenchContainers(docker);
  }
  const report = [
    `${opts.containers} containers × ${opts.lines} lines of 100 bytes, ${new Date().toISOString()}; engine CPU =` +
      " dockerd + containerd + the writers' shims; wall s from the first line to the last line taken.",
    '',
    ...logPathReport(windows),
  ];
  process.stdout.write(`${report.join('\n')}\n`);
  if (opts.out) writeFileSync(opts.out, `${report.join('\n')}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
