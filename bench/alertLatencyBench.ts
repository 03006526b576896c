import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseDuration } from '../config/duration';
import { ALERT_BENCH_LABEL, ALERT_BENCH_VALUE, startAlertAgent, type AlertAgent } from './alertLatencyAgent';
import { AlertBenchContainers } from './alertLatencyContainers';
import { cleanUpOnSignals, progress } from './benchCli';
import { integerListOption, integerOption, parseBenchOptions, wordsOption } from './benchOptions';
import { agentCounters, schedTime } from './alertLatencyDiagnosis';
import { startWebhookReceiver, type WebhookReceiver } from './alertLatencyReceiver';
import { runScenario } from './alertLatencyRun';
import { scenarioSpecs, type ScenarioCounts } from './alertLatencyScenarios';
import { recordEventStamps, type EventStamps } from './alertLatencyStamps';
import { describeEnvironment, renderReport, type RoundResult } from './alertLatencyReport';
import { latencyTable } from './alertLatencyTable';
import { connectEngine } from './benchFleet';

/** Command-line options of the bench. */
type BenchOptions = {
  counts: ScenarioCounts;
  rounds: number;
  spacingsMs: number[];
  groupWait: string;
  groupWindow: string;
  timeoutMs: number;
  agentNodeArgs: string[];
  out: string;
};

const REPO_ROOT = join(__dirname, '..', '..');
const CLI_PATH = join(__dirname, '..', 'cli.js');
const USAGE = `usage: node dist/bench/alertLatencyBench.js [--log 50] [--die 50] [--oom 10] [--rounds 2] [--spacing-ms 1000,200]
  [--group-wait 0s] [--group-window 100ms] [--timeout-seconds 30]
  [--agent-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"]
  [--out bench/results/alert-latency.md]`;

function durationOption(name: string, value: string): string {
  if (parseDuration(value) === undefined) throw new Error(`--${name} must be a duration (0s, 100ms), got "${value}"`);
  return value;
}

function parseOptions(argv: string[]): BenchOptions {
  const values = parseBenchOptions(
    argv,
    {
      log: { type: 'string', default: '50' },
      die: { type: 'string', default: '50' },
      oom: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '2' },
      'spacing-ms': { type: 'string', default: '1000,200' },
      'group-wait': { type: 'string', default: '0s' },
      'group-window': { type: 'string', default: '100ms' },
      'timeout-seconds': { type: 'string', default: '30' },
      'agent-node-args': { type: 'string', default: '' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'alert-latency.md') },
    },
    USAGE,
  );
  return {
    counts: {
      log: integerOption('log', values.log, 0, USAGE),
      die: integerOption('die', values.die, 0, USAGE),
      oom: integerOption('oom', values.oom, 0, USAGE),
    },
    rounds: integerOption('rounds', values.rounds, 1, USAGE),
    spacingsMs: integerListOption('spacing-ms', values['spacing-ms'], 0, USAGE),
    groupWait: durationOption('group-wait', values['group-wait']),
    groupWindow: durationOption('group-window', values['group-window']),
    timeoutMs: integerOption('timeout-seconds', values['timeout-seconds'], 1, USAGE) * 1000,
    agentNodeArgs: wordsOption(values['agent-node-args']),
    out: values.out,
  };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const engine = await connectEngine();
  const containers = new AlertBenchContainers(engine.docker, progress);
  const leftovers = await containers.clearLeftovers();
  if (leftovers) progress(`removed ${leftovers} leftover containers of an earlier run`);

  let receiver: WebhookReceiver | undefined;
  let agent: AlertAgent | undefined;
  let events: EventStamps | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      events?.close();
      await agent?.stop().catch(() => undefined);
      await receiver?.stop();
      progress(`removing the bench containers (${ALERT_BENCH_LABEL}=${ALERT_BENCH_VALUE})`);
      await containers.removeAll().catch((err: Error) => progress(`cleanup failed: ${err.message}`));
    })());
  cleanUpOnSignals(cleanup);

  const environment = await describeEnvironment(engine, opts);
  const started = Date.now();
  const results: RoundResult[] = [];
  let agentOutput = '';
  try {
    receiver = await startWebhookReceiver();
    events = await recordEventStamps(engine);
    progress('starting the agent');
    agent = await startAlertAgent({
      cliPath: CLI_PATH,
      webhookUrl: receiver.url,
      groupWait: opts.groupWait,
      groupWindow: opts.groupWindow,
      nodeArgs: opts.agentNodeArgs,
    });
    const agentUrl = agent.url;
    const agentPid = agent.pid;
    const ctx = {
      docker: engine.docker,
      containers,
      receiver,
      events,
      timeoutMs: opts.timeoutMs,
      random: Math.random,
      progress,
      diagnose: (rule: string, names: readonly string[]) => agentCounters(agentUrl, rule, names),
      agentSched: () => schedTime(agentPid),
    };
    for (let round = 1; round <= opts.rounds; round++) {
      for (const spacingMs of opts.spacingsMs) {
        for (const spec of scenarioSpecs(opts.counts)) {
          const result = await runScenario(spec, { round, spacingMs }, ctx);
          results.push({ round, result });
          process.stderr.write(`${latencyTable([result]).slice(-1)[0]}\n`);
        }
      }
    }
    if (events.broken) progress('warning: the event stream broke during the run; event stamps may be missing');
    agentOutput = agent.output();
  } finally {
    await cleanup();
  }
  const markdown = renderReport(results, opts, environment);
  process.stdout.write(`\n${markdown}`);
  if (agentOutput.trim()) progress(`agent output (warnings and errors):\n${agentOutput}`);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, markdown);
  progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; written to ${relative(process.cwd(), opts.out)}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
