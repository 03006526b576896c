import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { BENCH_LABEL } from './benchFleet';
import type { DiscordPsRig } from './discordPsRig';
import type { FinalEdit } from './discordPsReplyClock';
import { percentile } from './passTiming';

/** p50, p95, p99 and max of a list of milliseconds (nearest rank), and how many there were. */
export type Spread = { p50: number; p95: number; p99: number; max: number; n: number };

/** The spread of `values`; NaN everywhere for an empty list. */
export function spread(values: readonly number[]): Spread {
  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : NaN,
    n: values.length,
  };
}

/** How the round trips are repeated. */
export type RoundTripOptions = {
  warmups: number;
  runs: number;
  /** Least time from one /ps to the next, so discord.js's own 50 requests/s limit is never what is measured. */
  paceMs: number;
  /** Deadline of one reply. */
  timeoutMs: number;
};

/** `/ps all:true` through Discord and the same `ps --all` through the core directly, run alternately. */
export type RoundTrips = {
  /** Dispatch of INTERACTION_CREATE by the fake to the fake having the final edit. */
  discordMs: number[];
  /** Dispatch to the fake having the defer callback (gateway, discord.js, the adapter's deferReply). */
  deferMs: number[];
  /** `core.handle` on the same words, no Discord. */
  directMs: number[];
  /** The last measured final edit (they are alike: same containers). */
  lastEdit: FinalEdit;
  /** Bench containers named in the last final edit (embed or file). */
  shownRows: number;
  /** Rows of the last direct reply's table. */
  directRows: number;
  /** Progress edits seen before final edits, over all measured runs. */
  progressEdits: number;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lines of a reply that name a bench container (BenchFleet names them `dwbench-<pid>-<n>`). */
function benchRows(text: string): number {
  return text.split('\n').filter((line) => line.includes('dwbench-')).length;
}

/**
 * Runs `warmups + runs` rounds; each round sends `/ps all:true` as the rig's member and waits for the final edit,
 * then calls `core.handle` with `['ps', '--all']` as the same identity. Only the rounds after the warm-ups count.
 */
export async function measureRoundTrips(rig: DiscordPsRig, opts: RoundTripOptions): Promise<RoundTrips> {
  const discordMs: number[] = [];
  const deferMs: number[] = [];
  const directMs: number[] = [];
  let lastEdit: FinalEdit | undefined;
  let directRows = 0;
  let progressEdits = 0;
  let lastStart = Number.NEGATIVE_INFINITY;
  for (let round = 0; round < opts.warmups + opts.runs; round++) {
    const wait = lastStart + opts.paceMs - performance.now();
    if (wait > 0) await sleep(wait);
    lastStart = performance.now();
    const id = await rig.fake.sendSlashCommand(rig.member, 'ps', { all: true });
    const edit = await rig.clock.finalEdit(id, opts.timeoutMs);

    const directStart = performance.now();
    const reply = await rig.core.handle({ identity: rig.identity, text: ['ps', '--all'] });
    const directEnd = performance.now();
    if (reply.status !== 'ok') throw new Error(`ps through the core answered ${reply.status}: ${reply.text ?? ''}`);
    if (round < opts.warmups) continue;
    discordMs.push(edit.at - lastStart);
    if (edit.deferredAt !== undefined) deferMs.push(edit.deferredAt - lastStart);
    directMs.push(directEnd - directStart);
    progressEdits += edit.progressEdits;
    lastEdit = edit;
    directRows = reply.table?.rows.length ?? 0;
  }
  if (!lastEdit) throw new Error('no measured round trip (--runs must be at least 1)');
  return {
    discordMs,
    deferMs,
    directMs,
    lastEdit,
    shownRows: benchRows(lastEdit.text),
    directRows,
    progressEdits,
  };
}

/** Wall times of `docker ps -a --filter label=dockwatch.bench=1` and the rows of the last one. */
export type DockerPsTimes = { wallMs: number[]; rows: number };

function dockerPs(): Promise<string> {
  const args = ['ps', '-a', '--filter', `label=${BENCH_LABEL}=1`];
  return new Promise((resolve, reject) => {
    execFile('docker', args, { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`docker ps failed: ${err.message}\n${stderr.slice(-2000)}`)) : resolve(stdout),
    );
  });
}

/** Runs the docker CLI's `ps` over the bench containers (on DOCKER_HOST) `warmups + runs` times, one at a time. */
export async function measureDockerPs(opts: { warmups: number; runs: number }): Promise<DockerPsTimes> {
  const wallMs: number[] = [];
  let rows = 0;
  for (let round = 0; round < opts.warmups + opts.runs; round++) {
    const started = performance.now();
    const out = await dockerPs();
    const elapsed = performance.now() - started;
    if (round < opts.warmups) continue;
    wallMs.push(elapsed);
    rows = out.split('\n').filter((line) => line.trim() !== '').length - 1;
  }
  return { wallMs, rows };
}
