import type { ImagePulls } from '../agent/actions/imagePull';
import type { PullProgress, PullResult } from '../agent/images/imagePuller';
import { describePullProgress, formatPullBytes } from '../agent/images/pullProgress';
import type { ActionOptions } from '../bot/agentClient';

/** Progress lines are sent at most this often, plus whenever a layer completes and once at the end. */
export const PULL_PROGRESS_INTERVAL_MS = 1000;

/**
 * Turns pull progress into the lines a reply shows (`layers 3/5, 12.4 MB / 30.1 MB`): none while the engine is still
 * listing the layers, then at most one a second, one whenever a layer completes, none repeated. `flush` sends the last state if it was held back.
 */
export function pullProgressLines(
  onLine: (line: string) => void,
  now: () => number = Date.now,
  intervalMs = PULL_PROGRESS_INTERVAL_MS,
): { onProgress: (p: PullProgress) => void; flush: () => void } {
  let sentAt = -Infinity;
  let sentLine = '';
  let sentLayers = -1;
  let pending: PullProgress | undefined;
  const send = (p: PullProgress) => {
    const line = describePullProgress(p);
    pending = undefined;
    if (line === sentLine) return;
    sentLine = line;
    sentLayers = p.layersDone;
    sentAt = now();
    onLine(line);
  };
  return {
    onProgress(p) {
      if (p.layersTotal === 0) return;
      if (sentLayers < 0 && announcing(p)) {
        pending = p;
        return;
      }
      if (p.layersDone !== sentLayers || now() - sentAt >= intervalMs) send(p);
      else pending = p;
    },
    flush() {
      if (pending) send(pending);
    },
  };
}

/** Whether the engine is still listing the layers (the count so far would be too low to show). */
function announcing(p: PullProgress): boolean {
  return p.bytesTotal === 0 && /^(Pulling fs layer|Already exists|Waiting|Pulling from)/.test(p.status);
}

/** The one-line summary of a finished pull. */
export function describePullResult(result: PullResult, last: PullProgress | undefined): string {
  const id = result.imageId.replace(/^sha256:/, '').slice(0, 12);
  const digest = result.digest ? `, digest ${result.digest}` : '';
  if (result.upToDate) return `${result.ref} is up to date (image ${id}${digest}).`;
  const size = last && last.bytesTotal > 0 ? `, ${formatPullBytes(last.bytesTotal)} downloaded` : '';
  const layers = last ? `: ${last.layersTotal} layer${last.layersTotal === 1 ? '' : 's'}${size}` : '';
  return `Pulled ${result.ref} (image ${id}${digest})${layers}.`;
}

/** `pull` in process: the audited pull action, its progress as reply lines, its result as a summary. */
export async function pullInProcess(pulls: ImagePulls, ref: string, options: ActionOptions): Promise<string> {
  let last: PullProgress | undefined;
  const lines = pullProgressLines((line) => options.onProgress?.(line));
  const result = await pulls.pull(ref, {
    requestedBy: options.by,
    signal: options.signal,
    onProgress: (p) => {
      last = p;
      lines.onProgress(p);
    },
  });
  lines.flush();
  return describePullResult(result, last);
}
