import { startAgent } from './agent';
import type { Logger } from '../shared/logger';
import type { Config } from '../config/schema';
import { actionTimeoutFor, buildCommandCore } from '../bot';
import type { CommandCore } from '../bot/core/commandCore';
import { showControlChars } from '../shared/controlChars';
import type { Identity } from '../bot/core/identity';
import type { Reply, ReplyStatus } from '../bot/core/reply';
import { renderText } from '../bot/core/renderText';
import { InProcessAgent } from '../api/inProcessAgent';
import { plainCost, skippedNote } from '../bot/live/liveLines';
import { pumpLive } from '../bot/live/livePump';
import { StaticFleet } from '../bot/staticFleet';

/** Why ctl refuses silences: they live in the running agent, which ctl never writes to. */
const CTL_SILENCES =
  'silences are kept by the running agent, not by ctl: add them through the bot (Discord, Slack) or the ' +
  "agent's control API (POST /api/v1/silences)";

/** Exit codes of `dockwatch ctl`: 0 done, 3 denied, 4 failed (or not understood, or awaiting a confirmation). */
export const CTL_EXIT: Readonly<Record<ReplyStatus, number>> = { ok: 0, denied: 3, failed: 4, invalid: 4, confirm: 4 };

/**
 * One `dockwatch ctl` invocation: the command's words, who runs it, and whether `--yes` confirms it. A live reply
 * (`logs --follow`) streams its lines to `write` as they come (without it they are gathered into the output), and
 * ends early when `interrupt` aborts (Ctrl-C), as if its requester pressed Stop.
 */
export type CtlRequest = {
  words: readonly string[];
  user: string;
  yes: boolean;
  write?: (text: string) => void;
  interrupt?: AbortSignal;
};

/** What `dockwatch ctl` prints and exits with. */
export type CtlResult = { exitCode: number; output: string; toStderr: boolean };

/** Longest wait for the engine to connect and the inventory to sync (a resync of many containers takes a while). */
const SYNC_TIMEOUT_MS = 30_000;
/**
 * Failed connection attempts (0.5 s, 1 s, 2 s apart) after which the engine counts as down rather than slow; an engine
 * that accepts and does not answer (`docker.stallTimeout`) counts as down at once.
 */
const FAILED_ATTEMPTS = 3;
const POLL_MS = 50;

/**
 * Runs one command through the command core against an agent started in this process from `config` (listening on
 * an ephemeral loopback port, so it never collides with a running agent): waits until the engine is connected and
 * the inventory synced, or has failed a few attempts in a row, or 30 s have passed; runs (a command that reads the
 * engine then fails naming it, exit 4), renders the reply as text, stops the agent.
 */
export async function runCtl(config: Config, request: CtlRequest, logger: Logger): Promise<CtlResult> {
  const agent = await startAgent({ ...config, agent: { ...config.agent, listen: '127.0.0.1:0' } }, logger, {
    passive: true,
  });
  try {
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    const settled = () =>
      agent.engine.up || agent.engine.notAnswering || agent.engine.failedAttempts >= FAILED_ATTEMPTS;
    while (!settled() && Date.now() < deadline) await pause(POLL_MS);
    const core = buildCommandCore({
      bot: config.bot,
      fleet: new StaticFleet([
        new InProcessAgent(agent, {
          config,
          actions: agent.actions,
          pulls: agent.pulls,
          silencesRefused: CTL_SILENCES,
        }),
      ]),
      store: agent.store,
      logger,
      actionTimeoutMs: actionTimeoutFor(config.revisions.rollbackTimeout),
    });
    const identity = { platform: 'console' as const, userId: request.user };
    const reply = await core.handle({ identity, text: request.words, confirmed: request.yes });
    if (reply.live) return await streamLive(core, identity, reply, request);
    const exitCode = CTL_EXIT[reply.status];
    return { exitCode, output: renderText(reply), toStderr: reply.status !== 'ok' && reply.status !== 'confirm' };
  } finally {
    await agent.stop();
  }
}

/** Prints a live reply's heading, then its lines as they come, and returns its final state as the output. */
async function streamLive(
  core: CommandCore,
  identity: Identity,
  reply: Reply,
  request: CtlRequest,
): Promise<CtlResult> {
  const gathered: string[] = [];
  const write = request.write ?? ((text: string) => void gathered.push(text));
  const live = reply.live as NonNullable<Reply['live']>;
  write(renderText({ ...reply, live: undefined }));
  const stop = () => {
    if (live.stopButton) void core.press(live.stopButton.id, identity);
  };
  request.interrupt?.addEventListener('abort', stop, { once: true });
  try {
    const final = await pumpLive(live, {
      intervalMs: 0,
      budget: Number.POSITIVE_INFINITY,
      cost: plainCost,
      send: async ({ lines, skipped }) => {
        const shown = lines.map((line) => showControlChars(line, true));
        write(`${[...(skipped ? [skippedNote(skipped)] : []), ...shown].join('\n')}\n`);
      },
    });
    return {
      exitCode: CTL_EXIT[final.status],
      output: `${gathered.join('')}${renderText(final)}`,
      toStderr: final.status !== 'ok',
    };
  } finally {
    request.interrupt?.removeEventListener('abort', stop);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
