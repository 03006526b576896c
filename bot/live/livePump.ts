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

/**
 * Pulls a live reply's lines at the platform's pace: waits for lines, keeps at least `intervalMs` between sends
 * (lines arriving meanwhile are batched in the feed's bounded buffer), sends the newest that fit, and resolves with
 * the final state once the stream ended and every line was taken.
 */
export async function pumpLive(live: ReplyLive, options: LivePumpOptions): Promise<Reply> {
  const now = options.now ?? Date.now;
  let lastSend = Number.NEGATIVE_INFINITY;
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
    } catch (err) {
      options.onSendError?.(err);
    }
  }
  return live.summary();
}
