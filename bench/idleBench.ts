import type Dockerode from 'dockerode';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { defaultConfig } from '../config/schema';
import { progress, renderBenchReport } from './benchCli';
import { integerOption, parseBenchOptions, wordsOption } from './benchOptions';
import { collectorPass, hostCgroupCollector } from './benchCollector';
import { connectEngine } from './benchFleet';
import { traceCollectorFiles } from './collectorFileTrace';
import { countEngineEvents } from './engineEventCount';
import { IDLE_LABEL, IDLE_LABEL_VALUE, IdleFleet } from './idleFleet';
import { startFloorProcess, startIdleAgent, type IdleChild } from './idleProcesses';
import { idleTable, idleTarget, type IdleRound } from './idleTable';
import { costSince, processCost, type ProcessCost } from './processCost';

/** Command-line options of the idle bench. */
type IdleOptions = {
  containers: number;
  windowMs: number;
  rounds: number;
  settleMs: number;
  nodeArgs: string[];
  keep: boolean;
  out: string;
};

const REPO_ROOT = join(__dirname, '..', '..');
const CLI_PATH = join(__dirname, '..', 'cli.js');
const BINARY_NODE_ARGS = '--optimize-for-size --v8-pool-size=2';
const USAGE = `usage: node dist/bench/idleBench.js [--containers 100] [--window-seconds 30] [--rounds 3] [--settle-seconds 10]
  [--node-args="${BINARY_NODE_ARGS}"] [--agent-extra-args="--cpu-prof --cpu-prof-dir=/tmp/prof"] [--keep]
  [--out bench/results/idle.md]`;

function parseOptions(argv: string[]): IdleOptions & { agentExtra: string[] } {
  const values = parseBenchOptions(
    argv,
    {
      containers: { type: 'string', default: '100' },
      'window-seconds': { type: 'string', default: '30' },
      rounds: { type: 'string', default: '3' },
      'settle-seconds': { type: 'string', default: '10' },
      'node-args': { type: 'string', default: BINARY_NODE_ARGS },
      'agent-extra-args': { type: 'string', default: '' },
      keep: { type: 'boolean', default: false },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'idle.md') },
    },
    USAGE,
  );
  return {
    containers: integerOption('containers', values.containers, 1, USAGE),
    windowMs: integerOption('window-seconds', values['window-seconds'], 1, USAGE) * 1000,
    rounds: integerOption('rounds', values.rounds, 1, USAGE),
    settleMs: integerOption('settle-seconds', values['settle-seconds'], 0, USAGE) * 1000,
    nodeArgs: wordsOption(values['node-args']),
    agentExtra: wordsOption(values['agent-extra-args']),
    keep: values.keep,
    out: values.out,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Measures the agent and the minimal reader over the same windows, side by side. */
async function measureWindows(
  docker: Dockerode,
  agent: IdleChild,
  floor: IdleChild,
  pread: IdleChild,
  opts: IdleOptions,
): Promise<IdleRound[]> {
  const rounds: IdleRound[] = [];
  for (let i = 0; i < opts.rounds; i++) {
    const before = [agent, floor, pread].map((c) => processCost(c.pid));
    const started = process.hrtime.bigint();
    const sinceS = Math.floor(Date.now() / 1000);
    await sleep(opts.windowMs);
    const after = [agent, floor, pread].map((c) => processCost(c.pid));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [a, f, p] = after.map((cost, j) => costSince(before[j] as ProcessCost, cost)) as [
      ProcessCost,
      ProcessCost,
      ProcessCost,
    ];
    const untilS = Math.ceil(Date.now() / 1000);
    const events = await countEngineEvents(docker, sinceS, untilS).catch(() => -1);
    const round = { seconds, agent: a, floor: f, pread: p, load: loadavg()[0] ?? 0, events };
    progress(`  window ${i + 1}: CPU ms agent ${a.cpuMs}, floor ${f.cpuMs}, pread ${p.cpuMs}; ${events} engine events`);
    rounds.push(round);
  }
  return rounds;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const engine = await connectEngine();
  const fleet = new IdleFleet(engine.docker);
  const children: IdleChild[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await Promise.allSettled(children.map((c) => c.stop()));
      if (!opts.keep) progress(`removed ${await fleet.removeAll()} containers`);
    })());
  process.once('SIGINT', () => {
    progress('interrupted: stopping the agent and removing the containers');
    void cleanup().finally(() => process.exit(130));
  });
  try {
    progress(`making ${opts.containers} idle containers run (label ${IDLE_LABEL}=${IDLE_LABEL_VALUE}, network none)`);
    await fleet.scaleTo(opts.containers);
    const records = await fleet.records();
    if (records.length !== opts.containers) throw new Error(`${records.length} of ${opts.containers} containers run`);
    const collector = await hostCgroupCollector();
    progress(`tracing which files one ${collector.name} pass reads (strace)`);
    const trace = await traceCollectorFiles(records);
    await collectorPass(collector, records);
    const intervalMs = defaultConfig().stats.interval;
    progress(`starting the agent (${CLI_PATH} agent) and the minimal reader (${trace.paths.length} files)`);
    const agent = await startIdleAgent(CLI_PATH, [...opts.nodeArgs, ...opts.agentExtra]);
    children.push(agent);
    const floor = await startFloorProcess(trace.paths, intervalMs, 'sync', opts.nodeArgs);
    children.push(floor);
    const pread = await startFloorProcess(trace.paths, intervalMs, 'pread', opts.nodeArgs);
    children.push(pread);
    progress(`ready; settling ${opts.settleMs / 1000} s, then ${opts.rounds} windows of ${opts.windowMs / 1000} s`);
    await sleep(opts.settleMs);
    const rounds = await measureWindows(engine.docker, agent, floor, pread, opts);
    const report = renderBenchReport({
      title: `dockwatch idle cost at ${records.length} containers`,
      command: `node ${relative(REPO_ROOT, __filename)} ${process.argv.slice(2).join(' ')}`.trim(),
      environment: [
        `${cpus().length} CPUs, load ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}; engine ${engine.host}`,
        `(API ${engine.apiVersion}); ${collector.name}, ${trace.paths.length} files per pass, interval ${intervalMs / 1000} s;`,
        `node flags of all three processes: ${opts.nodeArgs.join(' ') || '(none)'}.`,
      ].join(' '),
      main: idleTable(rounds),
      targets: [idleTarget(rounds)],
      details: [
        'agent: `dockwatch agent` with the default config, watching only the bench containers, no alert rules, not',
        'scraped. floor: a node process that every interval opens, reads and closes exactly the files one traced',
        'agent pass reads (no decoding, no parsing; bench/idleFloorProcess.ts); pread floor: the same with the',
        'descriptors kept open and one pread each. All three run side by side over the same windows. CPU =',
        'utime+stime from /proc/<pid>/stat (10 ms ticks); wakeups = voluntary context switches of all threads',
        '(/proc/<pid>/task/*/status); preempted = involuntary ones. Engine events: what `docker events` reports for',
        "the window; the agent receives all of them (other engineers' containers on a shared engine included).",
      ],
    });
    process.stdout.write(report);
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, report);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
