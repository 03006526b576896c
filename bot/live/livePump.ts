import type { LiveBatch, Reply, ReplyLive } from '../core/reply';
import type { LineCost } from './liveLines';

/** How an adapter shows a live reply: at most one send per `intervalMs`, each with lines costing at most `budget`. */
export type LivePumpOptions = {
  intervalMs: number;
  budget: number;
  cost: LineCost;
  /** Shows one batch (an edit, a thread message, lines on stdout). A rejection is reported and the pump goes on. */
  send: (batch: LiveBatch) => Promise<void>;
  onSendError?: (err: unknown) => void;
  now?: () => number;
};

/** Sends refused in a row after which the chat counts as gone (message deleted, channel closed) and the tail ends. */
export const MAX_FAILED_SENDS = 3;

/**
 * Pulls a live reply's lines at the platform's pace: waits for lines, keeps at least `intervalMs` between sends
 * (lines arriving meanwhile are batched in the feed's bounded buffer), sends the newest that fit, and resolves with
 * the final state once the stream ended and every line was taken. After {@link MAX_FAILED_SENDS} refused sends in a
 * row it ends the live tail, saying why.
 */
export async function pumpLive(live: ReplyLive, options: LivePumpOptions): Promise<Reply> {
  const now = options.now ?? Date.now;
  let lastSend = Number.NEGATIVE_INFINITY;
  let failed = 0;
  for (;;) {
    await live.ready();
    if (live.finished) break;
    const wait = lastSend + options.intervalMs - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const batch = live.take(options.budget, options.cost);
    if (batch.lines.length === 0 && batch.skipped === 0) continue;
    lastSend = now();
    try {
      await options.send(batch);
      failed = 0;
    } catch (err) {
      options.onSendError?.(err);
      failed += 1;
      if (failed === MAX_FAILED_SENDS) {
        const why = err instanceof Error ? err.message : String(err);
        live.abandon(`the chat refused ${MAX_FAILED_SENDS} updates in a row (${why})`);
      }
    }
  }
  return live.summary();
}
