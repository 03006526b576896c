import { markdownTable } from '../bench/markdownTable';

/** One logging container of the crash soak: what it wrote and what the agent's store says it processed. */
export type LoggerTally = {
  name: string;
  /** Lines it wrote (stdout and stderr), known from its script once it exited. */
  written: number;
  /** Lines the store counts as processed (`log_processed_lines`), read last before the container was removed. */
  counted: number;
  /** The marker rule its line carried, if any. */
  marker?: string;
};

/** One webhook POST the receiver got: the notification id, its rule and status. */
export type DeliveredNotification = { id: string; rule: string; status: string; containers: string[] };

/** What the crash soak saw, tallied. */
export type CrashSoakTally = {
  kills: number;
  containers: number;
  linesWritten: number;
  linesCounted: number;
  linesLost: number;
  linesDuplicated: number;
  markers: number;
  alertsDelivered: number;
  alertsLost: number;
  /** Markers notified under more than one notification id (a genuine duplicate). */
  alertsDuplicated: number;
  /** POSTs that repeated an id already received (the outbox's documented crash window), over all notifications. */
  sameIdRepeats: number;
  /** Notifications that matched no marker, or not its container, or resolved ones (none expected). */
  unexpected: number;
  integrity: string;
};

/** Tallies lines (lost and duplicated per container) and alerts (per marker, by notification id). */
export function tallyCrashSoak(
  kills: number,
  loggers: readonly LoggerTally[],
  sent: readonly DeliveredNotification[],
  integrity: string,
): CrashSoakTally {
  let linesWritten = 0;
  let linesCounted = 0;
  let linesLost = 0;
  let linesDuplicated = 0;
  for (const l of loggers) {
    linesWritten += l.written;
    linesCounted += l.counted;
    linesLost += Math.max(0, l.written - l.counted);
    linesDuplicated += Math.max(0, l.counted - l.written);
  }
  const containerOf = new Map(loggers.filter((l) => l.marker).map((l) => [l.marker as string, l.name]));
  const idsByRule = new Map<string, Set<string>>();
  const seenIds = new Set<string>();
  let sameIdRepeats = 0;
  let unexpected = 0;
  for (const n of sent) {
    if (seenIds.has(n.id)) {
      sameIdRepeats += 1;
      continue;
    }
    seenIds.add(n.id);
    const container = containerOf.get(n.rule);
    if (n.status !== 'firing' || container === undefined || !n.containers.includes(container)) {
      unexpected += 1;
      continue;
    }
    const ids = idsByRule.get(n.rule) ?? new Set<string>();
    ids.add(n.id);
    idsByRule.set(n.rule, ids);
  }
  const perMarker = [...containerOf.keys()].map((rule) => idsByRule.get(rule)?.size ?? 0);
  return {
    kills,
    containers: loggers.length,
    linesWritten,
    linesCounted,
    linesLost,
    linesDuplicated,
    markers: containerOf.size,
    alertsDelivered: perMarker.filter((n) => n > 0).length,
    alertsLost: perMarker.filter((n) => n === 0).length,
    alertsDuplicated: perMarker.filter((n) => n > 1).length,
    sameIdRepeats,
    unexpected,
    integrity,
  };
}

/** Whether the soak held: nothing lost, nothing duplicated, nothing unexpected, the store intact. */
export function crashSoakHeld(t: CrashSoakTally): boolean {
  return (
    t.linesLost === 0 &&
    t.linesDuplicated === 0 &&
    t.alertsLost === 0 &&
    t.alertsDuplicated === 0 &&
    t.unexpected === 0 &&
    t.integrity === 'ok'
  );
}

/** The soak's table: kills, lines, markers and alerts, integrity. */
export function crashSoakTable(t: CrashSoakTally): string {
  const lines = markdownTable(
    ['kills', 'containers', 'lines written', 'counted', 'lost', 'duplicated'],
    [[t.kills, t.containers, t.linesWritten, t.linesCounted, t.linesLost, t.linesDuplicated].map(String)],
  );
  const alerts = markdownTable(
    ['markers', 'alerts delivered', 'lost', 'duplicated', 'same-id repeats', 'unexpected', 'integrity'],
    [
      [t.markers, t.alertsDelivered, t.alertsLost, t.alertsDuplicated, t.sameIdRepeats, t.unexpected]
        .map(String)
        .concat(t.integrity),
    ],
  );
  return [...lines, '', ...alerts].join('\n');
}
