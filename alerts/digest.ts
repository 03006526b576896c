import type { AlertNotification, DigestNotification, Severity } from './alert';
import { digestSections } from './digestSections';
import type { ContainerEvent } from './inputs';

/** Everything one digest period has counted, as plain JSON (what snapshot() returns and restore() takes). */
export type DigestSnapshot = {
  version: 1;
  /** When the period began (the previous digest, or the first start). */
  since: number;
  /** Container name → restarts (a start after a die without a stop, or `docker restart`). */
  restarts: Record<string, number>;
  /** Container name → OOM kills. */
  ooms: Record<string, number>;
  /** Container name → exit code → non-zero exits. */
  exits: Record<string, Record<string, number>>;
  /** Container name → severity of the most severe matching rule → log lines. */
  logLines: Record<string, Partial<Record<Severity, number>>>;
  /** Rule name → matching log lines. */
  ruleMatches: Record<string, number>;
  /** Rule name → alerts that fired / resolved. */
  fired: Record<string, number>;
  resolved: Record<string, number>;
  /** Alerts already counted this period (`key@time`), so repeated notifications count once. */
  seenAlerts: string[];
  /** Containers that died and have not been stopped since: their next start is a restart. */
  diedUnstopped: string[];
};

/** A log rule that matched a line, with its severity. */
export type DigestRuleMatch = { rule: string; severity: Severity };

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Counts what a host's digest reports (restarts, OOM kills, non-zero exits, matching log lines per container and per
 * rule, alerts fired and resolved) over one period. Pure: fed by the agent, built by the schedule.
 */
export class DigestAccumulator {
  private state: DigestSnapshot;
  private readonly seen = new Set<string>();
  private readonly died = new Set<string>();

  constructor(
    private readonly host: string,
    since: number,
  ) {
    this.state = emptyPeriod(since);
  }

  /** When the current period began. */
  get since(): number {
    return this.state.since;
  }

  /** An engine event: restarts, OOM kills and non-zero exits are counted per container name. */
  event(e: ContainerEvent): void {
    const name = e.container.name;
    switch (e.action) {
      case 'die':
        this.died.add(name);
        if (e.exitCode !== 0) {
          const codes = (this.state.exits[name] ??= {});
          bump(codes, String(e.exitCode));
        }
        break;
      case 'stop':
        this.died.delete(name);
        break;
      case 'start':
        if (this.died.delete(name)) bump(this.state.restarts, name);
        break;
      case 'restart':
        bump(this.state.restarts, name);
        break;
      case 'oom':
        bump(this.state.ooms, name);
        break;
      default:
        break;
    }
  }

  /** One log line of `container` that matched these rules (call only for lines that matched any). */
  logMatch(container: string, matches: readonly DigestRuleMatch[]): void {
    if (matches.length === 0) return;
    let worst = matches[0]!.severity;
    for (const m of matches) {
      bump(this.state.ruleMatches, m.rule);
      if (SEVERITY_RANK[m.severity] > SEVERITY_RANK[worst]) worst = m.severity;
    }
    const bySeverity = (this.state.logLines[container] ??= {});
    bySeverity[worst] = (bySeverity[worst] ?? 0) + 1;
  }

  /** A notification the engine sent: its alerts count as fired or resolved once each, however often re-sent. */
  alertNotification(n: AlertNotification): void {
    const counts = n.status === 'firing' ? this.state.fired : this.state.resolved;
    for (const alert of n.alerts) {
      const at = n.status === 'firing' ? (alert.firedAt ?? alert.activeAt) : (alert.resolvedAt ?? n.createdAt);
      const id = `${n.status}:${alert.key}@${at}`;
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      bump(counts, n.rule);
    }
    if (n.count > n.alerts.length) bump(counts, n.rule, n.count - n.alerts.length);
  }

  /** The digest of `from`…`to` from the counts so far; starts a new period at `to`. */
  build(from: number, to: number): DigestNotification {
    const sections = digestSections(this.snapshot());
    this.state = emptyPeriod(to);
    this.seen.clear();
    return { kind: 'digest', id: `digest-${this.host}-${to}`, host: this.host, from, to, sections, createdAt: to };
  }

  /** The counts as JSON, to be stored so an agent restart mid-period keeps them. */
  snapshot(): DigestSnapshot {
    return structuredClone({ ...this.state, seenAlerts: [...this.seen], diedUnstopped: [...this.died] });
  }

  /** Takes over stored counts; returns false (and keeps the current ones) when `stored` is not a DigestSnapshot. */
  restore(stored: unknown): boolean {
    if (!isDigestSnapshot(stored)) return false;
    this.state = structuredClone(stored);
    this.seen.clear();
    for (const id of stored.seenAlerts) this.seen.add(id);
    this.died.clear();
    for (const name of stored.diedUnstopped) this.died.add(name);
    return true;
  }
}

function emptyPeriod(since: number): DigestSnapshot {
  return {
    version: 1,
    since,
    restarts: {},
    ooms: {},
    exits: {},
    logLines: {},
    ruleMatches: {},
    fired: {},
    resolved: {},
    seenAlerts: [],
    diedUnstopped: [],
  };
}

function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

function isDigestSnapshot(value: unknown): value is DigestSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const maps = ['restarts', 'ooms', 'exits', 'logLines', 'ruleMatches', 'fired', 'resolved'];
  return (
    v.version === 1 &&
    typeof v.since === 'number' &&
    maps.every((key) => typeof v[key] === 'object' && v[key] !== null && !Array.isArray(v[key])) &&
    Array.isArray(v.seenAlerts) &&
    Array.isArray(v.diedUnstopped)
  );
}
