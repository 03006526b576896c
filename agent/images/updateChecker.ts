import type { ImagesConfig } from '../../config/imagesSchema';
import type { ContainerRecord } from '../inventory/containerRecord';
import type { Logger } from '../../shared/logger';
import { parseImageRef, type ImageRef } from '../registry/imageRef';
import type { Manifest, Platform } from '../registry/manifests';
import type { RegistryClient } from '../registry/registryClient';
import type { EngineImageEnvironment, ImageSource, InspectedImage } from './engineImages';
import { BudgetExhaustedError, RequestBudget } from './requestBudget';
import { UpdateBackoff } from './updateBackoff';
import { decideUpdate, type LocalImage } from './updateDecision';
import { UpdateResults, zeroCheckCounts, type CheckResult, type ContainerUpdateState } from './updateResults';
import { RoundSchedule, type ScheduleTimers } from './updateSchedule';

/** One container's answer, as the alert engine is told of it. */
export type UpdateNotice = {
  container: { id: string; name: string; labels: Readonly<Record<string, string>> };
  image: string;
  available: boolean;
  digest?: string;
};

/** What a round did, for the debug log, tests and the bench. */
export type RoundReport = {
  /** Image references by how their check ended. */
  results: Record<CheckResult, number>;
  /** Requests sent per registry. */
  requests: Record<string, number>;
  /** Containers looked at (running, watched, not opted out). */
  containers: number;
  /** Set when the round did not run (engine unreachable). */
  skipped?: string;
};

/** What the checker reads and whom it tells. */
export type UpdateCheckerDeps = {
  config: ImagesConfig['updateCheck'];
  client: RegistryClient;
  /** The engine's reads, or undefined while it is unreachable. */
  source: () => ImageSource | undefined;
  /** The running watched containers. */
  containers: () => ContainerRecord[];
  onNotice: (notice: UpdateNotice) => void;
  logger: Logger;
  now?: () => number;
  /** Image references checked at once (each still one after the other within its budget). */
  concurrency?: number;
  /** Timers and randomness of the schedule, for tests. */
  timers?: ScheduleTimers;
  random?: () => number;
};

/** The first round runs this long after start (or after the engine came back), jittered, unless the interval is shorter. */
export const FIRST_ROUND_DELAY_MS = 10_000;

type Group = { ref: ImageRef; key: string; containers: ContainerRecord[] };

const ID_REFERENCE = /^(sha256:)?[0-9a-f]{12,64}$/;

/**
 * The update check: for each distinct image reference of the running containers (those with the opt-out label
 * left out), asks its registry which digest the tag points to now (manifest HEAD; a GET of the manifest, and of the
 * host platform's entry of an index, only when the digest is not one the local image already has) and decides
 * whether the tag moved to another image, without pulling. Each registry gets `requestsPerRegistry` requests per
 * round; references left over go first in the next round. Failures are logged with backoff and keep the last answer.
 */
export class UpdateChecker {
  readonly results = new UpdateResults();
  private readonly backoff: UpdateBackoff;
  private readonly lastChecked = new Map<string, number>();
  private readonly now: () => number;
  private readonly optOut: { key: string; value?: string };
  private environment: EngineImageEnvironment | undefined;
  private current: Promise<RoundReport> | undefined;
  private readonly abort = new AbortController();
  private readonly schedule: RoundSchedule;

  constructor(private readonly deps: UpdateCheckerDeps) {
    this.now = deps.now ?? Date.now;
    this.backoff = new UpdateBackoff(() => deps.config.interval);
    this.optOut = parseOptOut(deps.config.optOutLabel);
    this.schedule = new RoundSchedule({
      intervalMs: deps.config.interval,
      firstDelayMs: Math.min(FIRST_ROUND_DELAY_MS, deps.config.interval),
      run: () => this.checkNow(),
      canRun: () => deps.source() !== undefined,
      ...(deps.timers && { timers: deps.timers }),
      ...(deps.random && { random: deps.random }),
    });
  }

  /** Starts the rounds (when `enabled`): the first soon, then every interval, jittered; none while the engine is down. */
  start(): void {
    if (this.deps.config.enabled) this.schedule.start();
  }

  /** The engine is reachable again: a round held while it was down runs soon. */
  resume(): void {
    this.schedule.resume();
  }

  /** The registry settings the engine reported at the last round (the client's endpoints read them). */
  get endpoints(): EngineImageEnvironment['endpoints'] | undefined {
    return this.environment?.endpoints;
  }

  /** Runs one round now, or joins the one in progress. */
  checkNow(): Promise<RoundReport> {
    this.current ??= this.round().finally(() => (this.current = undefined));
    return this.current;
  }

  /** Stops the rounds, cancels requests in flight and waits for the round in progress. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.schedule.stop();
    await this.current?.catch(() => undefined);
  }

  /** Whether a container opted out with the configured label. */
  optedOut(c: Pick<ContainerRecord, 'labels'>): boolean {
    const value = c.labels[this.optOut.key];
    return value !== undefined && (this.optOut.value === undefined || value === this.optOut.value);
  }

  private async round(): Promise<RoundReport> {
    const report: RoundReport = { results: zeroCheckCounts(), requests: {}, containers: 0 };
    const source = this.deps.source();
    if (!source) return { ...report, skipped: 'engine unreachable' };
    try {
      this.environment = await source.environment();
    } catch (err) {
      return { ...report, skipped: `engine unreachable (${(err as Error).message})` };
    }
    const containers = this.deps.containers().filter((c) => c.state === 'running' && !this.optedOut(c));
    report.containers = containers.length;
    this.results.retain(new Set(containers.map((c) => c.id)));
    const groups = this.groups(containers, report);
    const keys = new Set(groups.map((g) => g.key));
    this.backoff.retain(keys);
    for (const key of this.lastChecked.keys()) if (!keys.has(key)) this.lastChecked.delete(key);
    groups.sort((a, b) => (this.lastChecked.get(a.key) ?? 0) - (this.lastChecked.get(b.key) ?? 0));

    const budget = new RequestBudget(this.deps.config.requestsPerRegistry);
    const images = new Map<string, Promise<InspectedImage | undefined>>();
    const inspect = (id: string) => {
      let p = images.get(id);
      if (!p) images.set(id, (p = source.inspect(id)));
      return p;
    };
    const queue = [...groups];
    const worker = async () => {
      for (let g = queue.shift(); g; g = queue.shift()) {
        const result = await this.checkGroup(g, budget, inspect, this.environment!.platform);
        report.results[result]++;
        this.results.checks[result]++;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.deps.concurrency ?? 4) }, worker));
    for (const [registry, n] of budget.entries()) {
      report.requests[registry] = n;
      this.results.countRequests(registry, n);
    }
    this.results.rounds++;
    const deferred = report.results.deferred;
    if (deferred > 0) {
      this.deps.logger.debug('update check: request budget spent, images wait for the next round', {
        deferred,
        requestsPerRegistry: this.deps.config.requestsPerRegistry,
      });
    }
    this.deps.logger.debug('update check round', { ...report.results, containers: report.containers });
    return report;
  }

  /** The containers grouped by normalised image reference; pinned and unparsable references are counted and left. */
  private groups(containers: ContainerRecord[], report: RoundReport): Group[] {
    const byKey = new Map<string, Group>();
    for (const c of containers) {
      let ref: ImageRef | undefined;
      try {
        ref = ID_REFERENCE.test(c.image) ? undefined : parseImageRef(c.image);
      } catch {
        ref = undefined;
      }
      if (!ref || ref.tag === undefined || ref.digest !== undefined) {
        this.results.delete(c.id);
        report.results.pinned++;
        this.results.checks.pinned++;
        continue;
      }
      const key = `${ref.registry}/${ref.repository}:${ref.tag}`;
      const group = byKey.get(key) ?? { ref, key, containers: [] };
      group.containers.push(c);
      byKey.set(key, group);
    }
    return [...byKey.values()];
  }

  private async checkGroup(
    g: Group,
    budget: RequestBudget,
    inspect: (id: string) => Promise<InspectedImage | undefined>,
    platform: Platform,
  ): Promise<CheckResult> {
    const { registry, repository, tag } = g.ref;
    if (this.backoff.skip(g.key)) return 'backoff';
    if (budget.exhausted(registry)) return 'deferred';
    try {
      const locals = new Map<string, LocalImage>();
      for (const imageId of new Set(g.containers.map((c) => c.imageId))) {
        const image = await inspect(imageId);
        const repoDigests = (image?.repoDigests ?? []).flatMap((d) => digestIn(d, registry, repository));
        if (image && repoDigests.length) locals.set(imageId, { id: image.id, repoDigests });
      }
      const checkable = g.containers.filter((c) => locals.has(c.imageId));
      for (const c of g.containers) if (!locals.has(c.imageId)) this.results.delete(c.id);
      if (checkable.length === 0) return 'local';

      const call = { gate: (r: string) => budget.take(r), signal: this.abort.signal };
      const remote = await this.deps.client.headManifest(registry, repository, tag as string, call);
      const manifests = new Map<string, Promise<Manifest>>();
      const read = (digest: string) => {
        let p = manifests.get(digest);
        if (!p) {
          p = this.deps.client.getManifest(registry, repository, digest, call).then((m) => m.manifest);
          manifests.set(digest, p);
        }
        return p;
      };
      let anyUpdate = false;
      const decided: { c: ContainerRecord; state: ContainerUpdateState }[] = [];
      for (const [imageId, local] of locals) {
        const decision = await decideUpdate(local, remote, read, platform);
        anyUpdate ||= decision.available;
        for (const c of checkable.filter((x) => x.imageId === imageId)) {
          const state: ContainerUpdateState = {
            containerId: c.id,
            name: c.name,
            image: c.image,
            available: decision.available,
            ...(decision.available && { digest: decision.digest }),
            checkedAt: this.now(),
          };
          decided.push({ c, state });
        }
      }
      for (const { c, state } of decided) {
        this.results.set(state);
        this.deps.onNotice({
          container: { id: c.id, name: c.name, labels: c.labels },
          image: state.image,
          available: state.available,
          ...(state.digest && { digest: state.digest }),
        });
      }
      this.lastChecked.set(g.key, this.now());
      const failures = this.backoff.succeeded(g.key);
      if (failures > 0) this.deps.logger.info('update check works again', { image: g.key, failures });
      return anyUpdate ? 'update' : 'current';
    } catch (err) {
      if (err instanceof BudgetExhaustedError) return 'deferred';
      const message = (err as Error).message;
      const { warn, count } = this.backoff.failed(g.key, message);
      const fields = { image: g.key, error: message, failures: count };
      if (warn) this.deps.logger.warn('update check failed; the last answer stays', fields);
      else this.deps.logger.debug('update check failed; the last answer stays', fields);
      return 'error';
    }
  }
}

/** The digest part of a `RepoDigests` entry when it names `registry/repository`, else nothing. */
function digestIn(repoDigest: string, registry: string, repository: string): string[] {
  try {
    const ref = parseImageRef(repoDigest);
    return ref.digest && ref.registry === registry && ref.repository === repository ? [ref.digest] : [];
  } catch {
    return [];
  }
}

function parseOptOut(label: string): { key: string; value?: string } {
  const eq = label.indexOf('=');
  return eq < 0 ? { key: label } : { key: label.slice(0, eq), value: label.slice(eq + 1) };
}
