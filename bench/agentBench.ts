import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { defaultConfig } from '../config/schema';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import { startAgentProcess, type AgentProcess } from './agentProcess';
import { measureApiPass } from './apiPass';
import { cleanUpOnSignals, progress, renderBenchReport } from './benchCli';
import { integerListOption, integerOption, parseBenchOptions, wordsOption } from './benchOptions';
import { collectorPass, hostCgroupCollector } from './benchCollector';
import { BENCH_IMAGE, BENCH_LABEL, BenchFleet, connectEngine, type BenchEngine, type BenchNetwork } from './benchFleet';
import { traceCollectorFiles } from './collectorFileTrace';
import { dockerStatsNoStream } from './dockerStatsCli';
import { engineProcesses } from './engineCpu';
import { unmountedAttachedControllers } from './engineStatsCheck';
import { asyncFloorReader, groupByContainer, preadFloorReader, syncFloorReader } from './floorReader';
import { compareInterleaved } from './passTiming';
import { detailTable, mainTable, targetLines, type BenchRow } from './resultTable';
import { benchScrapes, type ScrapeCost } from './scrapeBench';
import { measureStartup, type StartupCost } from './startupBench';

/** Command-line options of the bench. */
type BenchOptions = {
  counts: number[];
  network: BenchNetwork;
  passes: number;
  warmups: number;
  scrapes: number;
  scrapePeriodMs: number;
  openMetricsScrapes: number;
  /** Scrapes of a second agent started as plain `node dist/cli.js` (no flags), for its memory; 0 skips it. */
  plainScrapes: number;
  apiConcurrency: number;
  skipApi: boolean;
  keep: boolean;
  settleMs: number;
  agentNodeArgs: string[];
  out: string;
};

const REPO_ROOT = join(__dirname, '..', '..');
const CLI_PATH = join(__dirname, '..', 'cli.js');
const USAGE = `usage: node dist/bench/agentBench.js [--counts 10,100,500] [--network none|bridge] [--passes 20] [--warmups 3] [--scrapes 300]
  [--openmetrics-scrapes 50] [--plain-scrapes 100] [--scrape-period-ms 100] [--api-concurrency 8] [--skip-api] [--keep] [--settle-seconds 5]
  [--agent-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"] [--out bench/results/latest.md]`;

function parseOptions(argv: string[]): BenchOptions {
  const values = parseBenchOptions(
    argv,
    {
      counts: { type: 'string', default: '10,100,500' },
      network: { type: 'string', default: 'none' },
      passes: { type: 'string', default: '20' },
      warmups: { type: 'string', default: '3' },
      scrapes: { type: 'string', default: '300' },
      'scrape-period-ms': { type: 'string', default: '100' },
      'openmetrics-scrapes': { type: 'string', default: '50' },
      'plain-scrapes': { type: 'string', default: '100' },
      'api-concurrency': { type: 'string', default: String(defaultConfig().stats.apiConcurrency) },
      'skip-api': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'settle-seconds': { type: 'string', default: '5' },
      'agent-node-args': { type: 'string', default: '--optimize-for-size --v8-pool-size=2' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'latest.md') },
    },
    USAGE,
  );
  const counts = integerListOption('counts', values.counts, 0, USAGE);
  if (values.network !== 'none' && values.network !== 'bridge') {
    throw new Error(`--network must be none or bridge, got "${values.network}"\n${USAGE}`);
  }
  return {
    // Largest first: containers are created once, and each smaller count only removes some.
    counts: counts.sort((a, b) => b - a),
    network: values.network,
    passes: integerOption('passes', values.passes, 1, USAGE),
    warmups: Number(values.warmups) || 0,
    scrapes: integerOption('scrapes', values.scrapes, 1, USAGE),
    openMetricsScrapes: integerOption('openmetrics-scrapes', values['openmetrics-scrapes'], 1, USAGE),
    plainScrapes: integerOption('plain-scrapes', values['plain-scrapes'], 0, USAGE),
    scrapePeriodMs: integerOption('scrape-period-ms', values['scrape-period-ms'], 1, USAGE),
    apiConcurrency: integerOption('api-concurrency', values['api-concurrency'], 1, USAGE),
    skipApi: values['skip-api'],
    keep: values.keep,
    settleMs: (Number(values['settle-seconds']) || 0) * 1000,
    agentNodeArgs: wordsOption(values['agent-node-args']),
    out: values.out,
  };
}

const NOT_MEASURED = { cpuMs: NaN, wallMs: NaN };

/** One cgroup pass against the floors that read the same files; nothing to measure without containers. */
async function measureCollector(records: ContainerRecord[], opts: BenchOptions) {
  const n = records.length;
  const collector = await hostCgroupCollector();
  if (n === 0) {
    const none = { cgroup: NOT_MEASURED, floorPread: NOT_MEASURED, floorSync: NOT_MEASURED, floorAsync: NOT_MEASURED };
    return { collector: collector.name, filesPerPass: 0, passes: none };
  }
  progress(`  tracing which files one ${collector.name} pass opens (strace)`);
  const trace = await traceCollectorFiles(records);
  const sampled = (await collectorPass(collector, records)).length;
  if (sampled !== n) progress(`  warning: the ${collector.name} collector sampled ${sampled} of ${n} containers`);
  progress(`  ${collector.name} pass vs floors (${trace.paths.length} files), ${opts.warmups}+${opts.passes} rounds`);
  const preadFloor = preadFloorReader(trace.paths);
  try {
    const passes = await compareInterleaved(
      {
        cgroup: () => collectorPass(collector, records),
        floorPread: preadFloor.run,
        floorSync: syncFloorReader(trace.paths),
        floorAsync: asyncFloorReader(groupByContainer(trace.paths, records)),
      },
      opts,
    );
    return { collector: collector.name, filesPerPass: trace.paths.length, passes };
  } finally {
    preadFloor.close();
  }
}

/** The agent as a process with `nodeArgs`: its start-up, then `scrapes` scrapes and its memory after them. */
async function measureAgent(
  n: number,
  opts: BenchOptions,
  nodeArgs: string[],
  scrapes: number,
  track: (agent: AgentProcess | undefined) => void,
): Promise<{ startup: StartupCost; scrape: ScrapeCost }> {
  const flags = nodeArgs.length > 0 ? nodeArgs.join(' ') : 'no node flags';
  progress(
    `  agent process (${flags}): start-up, ${scrapes} scrapes of /metrics (+${opts.openMetricsScrapes} OpenMetrics)`,
  );
  const agent = await startAgentProcess({ cliPath: CLI_PATH, nodeArgs });
  track(agent);
  try {
    const startup = await measureStartup(agent);
    const scrape = await benchScrapes(agent, n, {
      scrapes,
      openMetricsScrapes: opts.openMetricsScrapes,
      warmups: 5,
      periodMs: opts.scrapePeriodMs,
      settleMs: 5000,
    });
    return { startup, scrape };
  } catch (err) {
    throw new Error(`${(err as Error).message}\nagent output:\n${agent.output()}`);
  } finally {
    await agent.stop();
    track(undefined);
  }
}

/** Everything measured at one container count, in an order that keeps one measurement from disturbing the next. */
async function measure(
  engine: BenchEngine,
  records: ContainerRecord[],
  opts: BenchOptions,
  track: (agent: AgentProcess | undefined) => void,
): Promise<BenchRow> {
  const n = records.length;
  const { collector, filesPerPass, passes } = await measureCollector(records, opts);

  let dockerStats;
  let api;
  if (n > 0) {
    const enginePids = engineProcesses(new Set(records.map((r) => r.id)));
    progress(`  docker stats --no-stream over ${n} containers`);
    dockerStats = await dockerStatsNoStream(
      records.map((r) => r.id),
      enginePids,
    );
    if (dockerStats.rows !== n || dockerStats.emptyRows > 0) {
      progress(
        `  warning: docker stats printed ${dockerStats.rows} rows (${dockerStats.emptyRows} empty) for ${n} containers`,
      );
    }
    if (!opts.skipApi) {
      progress(`  API collector pass (concurrency ${opts.apiConcurrency}; ~${Math.ceil(n / opts.apiConcurrency)} s)`);
      api = await measureApiPass(engine, records, enginePids, opts.apiConcurrency);
      if (api.samples !== n) progress(`  warning: API pass sampled ${api.samples} of ${n} (${api.errors} errors)`);
    }
  }

  const { startup, scrape } = await measureAgent(n, opts, opts.agentNodeArgs, opts.scrapes, track);
  const plain = opts.plainScrapes > 0 ? await measureAgent(n, opts, [], opts.plainScrapes, track) : undefined;
  return {
    containers: n,
    collector,
    filesPerPass,
    cgroup: passes.cgroup,
    floorPread: passes.floorPread,
    floorSync: passes.floorSync,
    floorAsync: passes.floorAsync,
    api,
    dockerStats,
    scrape,
    startup,
    plain: plain && {
      rssBytes: plain.scrape.rssBytes,
      peakBytes: plain.scrape.peakBytes,
      readyMs: plain.startup.readyMs,
    },
    load: loadavg()[0] ?? NaN,
  };
}

function report(rows: readonly BenchRow[], opts: BenchOptions, environment: string): string {
  const command = [
    'npm run build && node dist/bench/agentBench.js',
    `--counts ${opts.counts.join(',')}`,
    `--network ${opts.network}`,
  ];
  if (opts.skipApi) command.push('--skip-api');
  return renderBenchReport({
    title: 'dockwatch agent bench',
    command: command.join(' '),
    environment,
    main: mainTable(rows),
    targets: targetLines(rows),
    details: detailTable(rows),
  });
}

/** Why the Engine API may answer with empty stats on this host right now, or undefined. */
function engineStatsWarning(): string | undefined {
  const unmounted = unmountedAttachedControllers();
  if (unmounted.length === 0) return undefined;
  return (
    `WARNING: cgroup controllers ${unmounted.join(', ')} are attached to hierarchies mounted only in another mount ` +
    "namespace; containerd's shim then loads no cgroup for containers started now, and the Engine API answers their " +
    'stats with empty payloads: the API and docker stats columns measure that failure path.'
  );
}

async function describeEnvironment(engine: BenchEngine, opts: BenchOptions, warning?: string): Promise<string> {
  const [version, info] = await Promise.all([engine.docker.version(), engine.docker.info()]);
  const info2 = info as { CgroupVersion?: string; CgroupDriver?: string; ContainersRunning?: number };
  return [
    ...(warning ? [warning, ''] : []),
    `Host: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), Linux ${release()}, Node ${process.version};`,
    `engine ${version.Version} at ${engine.host} (API ${engine.apiVersion}), cgroup v${info2.CgroupVersion ?? '?'} ${info2.CgroupDriver ?? ''},`,
    `${info2.ContainersRunning ?? '?'} containers running at start (load ${loadavg()[0]?.toFixed(2)});`,
    `bench containers: \`sleep\` on ${BENCH_IMAGE}, network ${opts.network}.`,
    `Method: the collector and three floors alternate, ${opts.warmups} warm-ups then median of ${opts.passes}. A floor`,
    `reads the files a strace'd collector pass read, with no decoding or parsing: pread = descriptors kept open, one`,
    `pread at offset 0 per file; sync = open/read/close into one buffer; async = fs.promises.readFile, a container's`,
    `files in parallel, 32 containers in flight. The ratio is against the cheapest floor.`,
    `CPU = process.cpuUsage (user+system, all threads). API pass: one pass, concurrency ${opts.apiConcurrency}.`,
    `/metrics: curl, one GET every ${opts.scrapePeriodMs} ms (${opts.scrapes}, then ${opts.openMetricsScrapes} OpenMetrics), from one`,
    `sampling interval after all containers are exposed, so scrapes fall at every phase of the 5 s sampling interval.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const engine = await connectEngine();
  const fleet = new BenchFleet(engine.docker, opts.network, progress);
  let agent: AgentProcess | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await agent?.stop().catch(() => undefined);
      if (opts.keep) return progress(`--keep: leaving the containers labelled ${BENCH_LABEL}=1`);
      progress(`removing the bench containers (${BENCH_LABEL}=1)`);
      await fleet.removeAll().catch((err: Error) => progress(`cleanup failed: ${err.message}`));
    })());
  cleanUpOnSignals(cleanup);

  const warning = engineStatsWarning();
  if (warning) progress(warning);
  const environment = await describeEnvironment(engine, opts, warning);
  const rows: BenchRow[] = [];
  const started = Date.now();
  try {
    for (const count of opts.counts) {
      progress(`${count} containers: scaling`);
      await fleet.scaleTo(count);
      if (opts.settleMs > 0) await new Promise((resolve) => setTimeout(resolve, opts.settleMs));
      const records = await fleet.records();
      if (records.length !== count) throw new Error(`${records.length} of ${count} bench containers are running`);
      rows.push(await measure(engine, records, opts, (a) => (agent = a)));
      process.stderr.write(`${mainTable(rows).slice(-1)[0]}\n`);
    }
  } finally {
    await cleanup();
  }
  const markdown = report(rows, opts, environment);
  process.stdout.write(`\n${markdown}`);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, markdown);
  progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; written to ${relative(process.cwd(), opts.out)}`);
}

/** What to check when the engine stops answering mid-run. */
const WEDGED_ENGINE_HINT =
  'hint: if the engine stopped answering, dump its goroutines (kill -USR1 <dockerd pid>, see the dockerd log for ' +
  'the file); processEndpointDelete and getSvcRecords waiting on each other is the dockerd 20.10 libnetwork ' +
  'deadlock (moby/moby#46661), which only a dockerd restart clears. Leftovers: docker rm -f $(docker ps -aq ' +
  `--filter label=${BENCH_LABEL}=1)`;

main().catch((err: unknown) => {
  const message = (err as Error).stack ?? String(err);
  const hint = /timeout|ETIMEDOUT|socket hang up/i.test(message) ? `\n${WEDGED_ENGINE_HINT}` : '';
  process.stderr.write(`bench failed: ${message}${hint}\n`);
  process.exit(1);
});
