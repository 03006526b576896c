import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { BotProcess } from './manyHostsBot';
import { CONTAINER_PREFIX } from './manyHostsContainers';

/** How a scenario's `ps` rounds are repeated and what each reply must show. */
export type RoundsOptions = {
  warmups: number;
  runs: number;
  /** Least time from one /ps to the next (discord.js limits itself to 50 REST requests/s). */
  paceMs: number;
  /** Deadline of one reply (longer than bot.commandTimeout, so a late reply is measured rather than lost). */
  timeoutMs: number;
  /** The hosts whose containers every reply must list, `perHost` each. */
  answering: readonly string[];
  perHost: number;
  /** A host that is down: every reply must name it under "Not answering" and list none of its containers. */
  down?: string;
};

/** The measured rounds of one scenario. */
export type Rounds = {
  ms: number[];
  /** Replies that listed exactly the answering hosts' containers. */
  complete: number;
  /** Replies that named the down host under "Not answering" (0 when none is down). */
  named: number;
  /** The "Not answering" note of the last reply that had one, as the user reads it. */
  note: string | undefined;
  /** What was wrong with the first incomplete reply, if any. */
  problem: string | undefined;
  /** 1-minute load average after the rounds. */
  load: number;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ROW = new RegExp(`${CONTAINER_PREFIX}(host-\\d+)-\\d+`);

/** Containers listed per host in a reply's text (one table row each). */
function listedPerHost(text: string): Map<string, number> {
  const perHost = new Map<string, number>();
  for (const line of text.split('\n')) {
    const host = ROW.exec(line)?.[1];
    if (host !== undefined) perHost.set(host, (perHost.get(host) ?? 0) + 1);
  }
  return perHost;
}

/** Why a reply is not what the scenario expects, or undefined when it is. */
function checkReply(text: string, opts: RoundsOptions): string | undefined {
  const listed = listedPerHost(text);
  for (const host of opts.answering) {
    if (listed.get(host) !== opts.perHost) return `${host}: ${listed.get(host) ?? 0} of ${opts.perHost} listed`;
  }
  const extra = [...listed.keys()].filter((h) => !opts.answering.includes(h));
  if (extra.length) return `containers of ${extra.join(', ')} listed`;
  const said = notAnswering(text);
  if (opts.down === undefined && said !== undefined) return said;
  return undefined;
}

/** The "Not answering: …" sentence of a reply, if it has one. */
export function notAnswering(text: string): string | undefined {
  return /Not answering: [^\n]*/.exec(text)?.[0];
}

/** Runs `warmups + runs` `/ps` through Discord to the bot and checks every measured reply. */
export async function psRounds(bot: BotProcess, opts: RoundsOptions): Promise<Rounds> {
  const ms: number[] = [];
  let complete = 0;
  let named = 0;
  let note: string | undefined;
  let problem: string | undefined;
  let lastStart = Number.NEGATIVE_INFINITY;
  for (let round = 0; round < opts.warmups + opts.runs; round++) {
    const wait = lastStart + opts.paceMs - performance.now();
    if (wait > 0) await sleep(wait);
    lastStart = performance.now();
    const { ms: took, edit } = await bot.ps(opts.timeoutMs);
    if (round < opts.warmups) continue;
    ms.push(took);
    const wrong = checkReply(edit.text, opts);
    if (wrong === undefined) complete += 1;
    else problem ??= wrong;
    const said = notAnswering(edit.text);
    if (said !== undefined) note = said;
    if (opts.down !== undefined && said?.includes(`${opts.down}: `)) named += 1;
  }
  return { ms, complete, named, note, problem, load: loadavg()[0] ?? NaN };
}
