import type { DeployStep } from '../agent/actions/containerActions';
import { markdownTable } from './markdownTable';
import { median } from './passTiming';

/** One round: dockwatch's deploy and the shell's, each from a v1 container to v2 on the same images and options. */
export type DeployRound = {
  /** Which ran first in this round (they alternate, so drift hits both alike). */
  first: 'dockwatch' | 'shell';
  /** `deploy` until it answered: pulled, replaced, healthy (ms). */
  dockwatchMs: number;
  /** Each step's wall time in dockwatch's deploy (ms). */
  steps: Partial<Record<DeployStep, number>>;
  /** `docker pull && docker rm -f && docker run -d …` until the shell returned (ms). */
  shellMs: number;
  /** The same until the new container reported healthy, polled every 250 ms as dockwatch polls (ms). */
  shellHealthyMs: number;
};

const STEPS: DeployStep[] = ['pull', 'record', 'stop', 'rename', 'create', 'start', 'wait', 'remove-old'];

const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '-');

/** The side-by-side table: one row per round, then the medians and dockwatch's ratio to the shell with health. */
export function deployTable(rounds: readonly DeployRound[]): string[] {
  const rows = rounds.map((r, i) => [
    String(i + 1),
    r.first,
    s(r.dockwatchMs),
    s(r.shellMs),
    s(r.shellHealthyMs),
    (r.dockwatchMs / r.shellHealthyMs).toFixed(2),
  ]);
  const dw = median(rounds.map((r) => r.dockwatchMs));
  const healthy = median(rounds.map((r) => r.shellHealthyMs));
  rows.push(['median', '', s(dw), s(median(rounds.map((r) => r.shellMs))), s(healthy), (dw / healthy).toFixed(2)]);
  return markdownTable(
    [
      'round',
      'first',
      'dockwatch deploy (s)',
      'shell, until it returns (s)',
      'shell + healthy (s)',
      'dockwatch / shell + healthy',
    ],
    rows,
  );
}

/** dockwatch's deploy step by step: the median wall time of each step over the rounds. */
export function stepTable(rounds: readonly DeployRound[]): string[] {
  const cells = STEPS.map((step) =>
    s(median(rounds.flatMap((r) => (r.steps[step] === undefined ? [] : [r.steps[step]])))),
  );
  return markdownTable(
    STEPS.map((step) => `${step} (s)`),
    [cells],
  );
}
