/** What the last successful check said about one running container's image. */
export type ContainerUpdateState = {
  containerId: string;
  name: string;
  /** The image reference as the container was created with it. */
  image: string;
  available: boolean;
  /** The new image's manifest digest for this host's platform, when an update is available. */
  digest?: string;
  checkedAt: number;
};

/** How one image reference's check ended in a round. */
export const CHECK_RESULTS = ['update', 'current', 'error', 'deferred', 'backoff', 'local', 'pinned'] as const;

/** One of {@link CHECK_RESULTS}. */
export type CheckResult = (typeof CHECK_RESULTS)[number];

/** A count of 0 for every {@link CheckResult}. */
export function zeroCheckCounts(): Record<CheckResult, number> {
  return Object.fromEntries(CHECK_RESULTS.map((r) => [r, 0])) as Record<CheckResult, number>;
}

/**
 * The update check's results and counters, read by the exporters at scrape time (no engine or registry call there):
 * one state per checked running container, kept until a newer check or the container's end (a failed check keeps the
 * last answer), and counters of checks by result, of requests per registry and of rounds.
 */
export class UpdateResults {
  private readonly states = new Map<string, ContainerUpdateState>();
  readonly checks = zeroCheckCounts();
  readonly requests = new Map<string, number>();
  rounds = 0;

  /** Records a container's answer. */
  set(state: ContainerUpdateState): void {
    this.states.set(state.containerId, state);
  }

  /** Forgets a container (not running, opted out, no longer checkable). */
  delete(containerId: string): void {
    this.states.delete(containerId);
  }

  /** Keeps only the containers in `ids`. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.states.keys()) if (!ids.has(id)) this.states.delete(id);
  }

  /** A container's last answer. */
  get(containerId: string): ContainerUpdateState | undefined {
    return this.states.get(containerId);
  }

  /** Every container's last answer. */
  all(): ContainerUpdateState[] {
    return [...this.states.values()];
  }

  /** Counts requests sent to a registry. */
  countRequests(registry: string, n: number): void {
    if (n > 0) this.requests.set(registry, (this.requests.get(registry) ?? 0) + n);
  }
}
