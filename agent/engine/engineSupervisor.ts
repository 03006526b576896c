import type { Agent } from 'node:http';
import type Docker from 'dockerode';
import { loadDockerode } from './loadDockerode';
import type { Logger } from '../../shared/logger';
import { negotiateApiVersion } from './apiVersion';
import { Backoff } from '../../shared/backoff';
import { dockerOptions, type DockerEndpoint, type DockerTls } from './dockerHost';
import { EngineConnections, engineAgent, MAX_UNANSWERED_REQUESTS } from './engineConnections';
import { EngineNoAnswerError, EngineWatchdog } from './engineWatchdog';
import { sinceAfter, type EngineEvent } from './engineEvent';
import { EventDeduper, type EventPosition } from './eventDeduper';
import { openEventStream, type EventStreamHandle } from './eventStream';

/** What the engine said about itself at connection time (`GET /info`, `GET /version`). */
export type EngineInfo = {
  version: string;
  apiVersion: string;
  os: string;
  kernelVersion: string;
  storageDriver: string;
  cgroupDriver: string;
  cgroupVersion: string;
  cpus: number;
  memoryBytes: number;
  /** `DockerRootDir`: where the engine keeps images and writable layers (`/var/lib/docker`). */
  rootDir?: string;
};

/** `docker.stallTimeout`'s default: how long the engine may leave `GET /_ping` unanswered before it counts as down. */
export const DEFAULT_STALL_TIMEOUT_MS = 10_000;

/** How often the watchdog pings an engine that is down, at most. */
const DOWN_PING_INTERVAL_MS = 1_000;

/** Hooks the supervisor calls; each may fail without taking the supervisor down. */
export type EngineHooks = {
  /** After every (re)connection, before the event stream opens: a full resync. */
  onConnected(docker: Docker, info: EngineInfo): Promise<void>;
  /** Every engine event, in order. */
  onEvent(docker: Docker, event: EngineEvent): void;
  /** Periodic work while up (inventory resync, image and disk usage refresh). */
  onTick(docker: Docker): Promise<void>;
  /** Called on each change of `up`. */
  onStateChange?(up: boolean): void;
};

/**
 * Owns the connection to the engine: negotiates the API version, follows the event stream (resuming with `since`
 * after any drop so nothing is missed), runs the periodic resync, and when the engine goes away keeps retrying with
 * capped backoff, logging once per state change. A watchdog pings the engine all along: one that stops answering
 * (a hung dockerd accepts and says nothing) counts as down within `stallTimeoutMs`, every request waiting on it fails
 * at once, and the connection is made again as soon as it answers.
 */
export class EngineSupervisor {
  private docker: Docker | undefined;
  private engineInfo: EngineInfo | undefined;
  private isUp = false;
  private stopped = false;
  private stream: EventStreamHandle | undefined;
  private readonly events = new EventDeduper();
  private readonly bursts = new Set<Agent>();
  private retryTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff(500, 30_000);
  private lastError = '';
  private failures = 0;
  private reported: boolean | undefined;
  private silent = false;
  private connecting = false;
  /** Bumped at every fall to down: what an older connection still has in flight is ignored when it ends. */
  private epoch = 0;
  private pinger: Docker | undefined;
  private readonly connections: EngineConnections;
  /** The watchdog's own, never full: a ping must reach the engine when the other requests are refused. */
  private readonly pings: EngineConnections;
  private readonly watchdog: EngineWatchdog;

  constructor(
    private readonly endpoint: DockerEndpoint,
    private readonly tls: DockerTls | undefined,
    private readonly hooks: EngineHooks,
    private readonly logger: Logger,
    private readonly tickIntervalMs: number,
    private readonly onApiError: (operation: string) => void,
    private readonly stallTimeoutMs = DEFAULT_STALL_TIMEOUT_MS,
  ) {
    this.connections = new EngineConnections(endpoint, tls, MAX_UNANSWERED_REQUESTS, () => this.watchdog.probeNow());
    this.pings = new EngineConnections(endpoint, tls, Number.POSITIVE_INFINITY);
    this.watchdog = new EngineWatchdog({
      // While down, a ping a second (a refused one costs nothing; a stalled one waits its timeout) finds it back soon.
      intervalMs: () => (this.isUp ? stallTimeoutMs / 2 : Math.min(stallTimeoutMs / 2, DOWN_PING_INTERVAL_MS)),
      timeoutMs: stallTimeoutMs / 2,
      probe: (signal) => this.ping(signal),
      onAnswer: () => this.answered(),
      onNoAnswer: (err) => this.noAnswer(err),
    });
  }

  /** Whether the engine answered at the last attempt. */
  get up(): boolean {
    return this.isUp;
  }

  /** Failed attempts (connections, resumes) since the engine was last up: how long it has been trying in vain. */
  get failedAttempts(): number {
    return this.failures;
  }

  /**
   * Whether the engine is down because it stopped answering (it accepts requests and says nothing, as a hung dockerd
   * does) rather than refusing them: what to tell a user who asks for something from it.
   */
  get notAnswering(): boolean {
    return !this.isUp && this.silent;
  }

  /** Requests to the engine it has not begun to answer (at most MAX_UNANSWERED_REQUESTS; more fail at once). */
  get requestsInFlight(): number {
    return this.connections.inFlight;
  }

  /** Why the last attempt failed, while the engine is not up (undefined before any failure). */
  get lastFailure(): string | undefined {
    return this.isUp || this.lastError === '' ? undefined : this.lastError;
  }

  /** The engine's description, once connected at least once. */
  get info(): EngineInfo | undefined {
    return this.engineInfo;
  }

  /** `docker.stallTimeout`: how long a request may go unanswered before the engine counts as stalled (ms). */
  get stallTimeout(): number {
    return this.stallTimeoutMs;
  }

  /**
   * A client of its own for a burst of short requests (a resync's inspects): a keep-alive agent of `sockets`
   * connections, reused across the burst instead of one connection per request (half the agent's CPU for them).
   * A stall cuts its requests as it cuts the others; close it after the burst.
   */
  burstClient(sockets: number): { docker: Docker; close(): void } | undefined {
    const apiVersion = this.engineInfo?.apiVersion;
    if (apiVersion === undefined) return undefined;
    const agent = engineAgent(this.endpoint, this.tls, { keepAlive: true, maxSockets: sockets });
    const docker = new (loadDockerode())(dockerOptions(this.endpoint, this.tls, apiVersion, agent));
    this.bursts.add(agent);
    return {
      docker,
      close: () => {
        this.bursts.delete(agent);
        agent.destroy();
      },
    };
  }

  /** The versioned client while the engine is up. */
  get client(): Docker | undefined {
    return this.isUp ? this.docker : undefined;
  }

  /**
   * Resumes the event stream after `timeNano` at the first connection (the position stored by the previous run),
   * so events that happened while the agent was down are delivered too.
   */
  resumeEventsAfter(position: EventPosition): void {
    this.events.restore(position);
  }

  /** The newest event time delivered and the keys of the events delivered shortly before it: the position to store. */
  get eventPosition(): EventPosition | undefined {
    return this.events.position;
  }

  /** Starts connecting; never throws, failures are retried. */
  start(): void {
    this.stopped = false;
    this.watchdog.start();
    void this.connect();
  }

  /** Stops retrying, closes the stream and timers. */
  stop(): void {
    this.stopped = true;
    this.watchdog.stop();
    clearTimeout(this.retryTimer);
    clearInterval(this.tickTimer);
    this.stream?.close();
    this.stream = undefined;
    this.connections.cut(new Error('dockwatch is stopping'));
    this.pings.cut(new Error('dockwatch is stopping'));
    this.cutBursts();
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting) return;
    this.connecting = true;
    try {
      const Dockerode = loadDockerode();
      const bare = new Dockerode(dockerOptions(this.endpoint, this.tls, undefined, this.connections.agent));
      const version = (await this.handshake(bare, 'version')) as {
        ApiVersion: string;
        MinAPIVersion?: string;
        Version: string;
      };
      const apiVersion = negotiateApiVersion(version.ApiVersion, version.MinAPIVersion);
      const docker = new Dockerode(dockerOptions(this.endpoint, this.tls, apiVersion, this.connections.agent));
      const info = (await this.handshake(docker, 'info')) as Record<string, unknown>;
      this.docker = docker;
      this.engineInfo = {
        version: version.Version,
        apiVersion,
        os: String(info.OperatingSystem ?? ''),
        kernelVersion: String(info.KernelVersion ?? ''),
        storageDriver: String(info.Driver ?? ''),
        cgroupDriver: String(info.CgroupDriver ?? ''),
        cgroupVersion: String(info.CgroupVersion ?? ''),
        cpus: Number(info.NCPU ?? 0),
        memoryBytes: Number(info.MemTotal ?? 0),
        rootDir: typeof info.DockerRootDir === 'string' ? info.DockerRootDir : undefined,
      };
      // Events count from here: the stream opens after the first sync (seconds at 1,000 containers) with `since` at
      // this point, so a container created or gone during the sync is not missed until the next full resync.
      this.events.startAt(BigInt(Date.now()) * 1_000_000n);
      await this.hooks.onConnected(docker, this.engineInfo);
      if (this.stopped) return;
      await this.openStream(docker);
      if (this.stopped) {
        this.stream?.close();
        this.stream = undefined;
        return;
      }
      this.setUp(true);
      this.backoff.reset();
      clearInterval(this.tickTimer);
      this.tickTimer = setInterval(() => void this.tick(), this.tickIntervalMs);
      this.tickTimer.unref();
    } catch (err) {
      this.onApiError('connect');
      this.fail(err as Error);
    } finally {
      this.connecting = false;
    }
  }

  /**
   * One request of the connect handshake, bounded by the stall timeout: a dockerd that answers `/_ping` but hangs on
   * `/info` (dockerd 20.10's networking deadlock does) fails the attempt with a clear error, retried with backoff,
   * instead of holding the agent unconnected and silent for good.
   */
  private async handshake(docker: Docker, request: 'version' | 'info'): Promise<unknown> {
    const signal = AbortSignal.timeout(this.stallTimeoutMs);
    const call = docker[request].bind(docker) as unknown as (opts: { abortSignal: AbortSignal }) => Promise<unknown>;
    try {
      return await call({ abortSignal: signal });
    } catch (err) {
      if (!signal.aborted) throw err;
      throw new Error(`the Docker engine did not answer GET /${request} within ${this.stallTimeoutMs / 1000}s`);
    }
  }

  private async openStream(docker: Docker): Promise<void> {
    const from = this.events.resumeFrom ?? this.events.startAt(BigInt(Date.now()) * 1_000_000n);
    const since = sinceAfter(from);
    const epoch = this.epoch;
    this.stream = await openEventStream(
      docker,
      since,
      (e) => this.dispatch(docker, e),
      (err) => void this.onStreamEnd(docker, epoch, err),
    );
  }

  private dispatch(docker: Docker, e: EngineEvent): void {
    if (!this.events.accept(e)) return;
    try {
      this.hooks.onEvent(docker, e);
    } catch (err) {
      this.logger.warn('event handler failed', { action: e.Action, error: (err as Error).message });
    }
  }

  private async onStreamEnd(docker: Docker, epoch: number, err?: Error): Promise<void> {
    if (this.stopped || epoch !== this.epoch) return;
    this.stream = undefined;
    try {
      await docker.ping();
      if (epoch !== this.epoch) return;
      this.logger.debug('event stream ended; resuming', { error: err?.message });
      await this.hooks.onConnected(docker, this.engineInfo as EngineInfo);
      if (epoch !== this.epoch) return;
      await this.openStream(docker);
    } catch (e) {
      if (this.stopped || epoch !== this.epoch) return;
      this.onApiError('events');
      this.fail(e as Error);
    }
  }

  private async tick(): Promise<void> {
    const docker = this.client;
    if (!docker) return;
    const epoch = this.epoch;
    try {
      await this.hooks.onTick(docker);
    } catch (err) {
      if (epoch !== this.epoch) return;
      this.onApiError('resync');
      try {
        await docker.ping();
      } catch {
        if (epoch !== this.epoch) return;
        this.stream?.close();
        this.stream = undefined;
        this.fail(err as Error);
      }
    }
  }

  /** One watchdog probe, on a client of its own (the versioned one may not exist yet). */
  private ping(signal: AbortSignal): Promise<unknown> {
    this.pinger ??= new (loadDockerode())(dockerOptions(this.endpoint, this.tls, undefined, this.pings.agent));
    // dockerode's ping takes an abortSignal; its types do not say so.
    const ping = this.pinger.ping.bind(this.pinger) as unknown as (opts: {
      abortSignal: AbortSignal;
    }) => Promise<unknown>;
    return ping({ abortSignal: signal });
  }

  /** The engine answered a ping: after a stall, connect now instead of at the end of the backoff. */
  private answered(): void {
    if (this.stopped || this.isUp || this.connecting || !this.silent) return;
    clearTimeout(this.retryTimer);
    void this.connect();
  }

  /** A ping went unanswered: down at once (unless already), and every request still waiting on the engine fails. */
  private noAnswer(err: EngineNoAnswerError): void {
    if (this.stopped) return;
    this.onApiError('ping');
    if (this.isUp) {
      this.stream?.close();
      this.stream = undefined;
      this.fail(err);
    } else if (!this.connecting) {
      this.noteFailure(err);
    }
    this.connections.cut(err);
    this.cutBursts();
  }

  /** Ends every burst client's requests at once (the engine stalled, or the agent stops). */
  private cutBursts(): void {
    for (const agent of this.bursts) agent.destroy();
    this.bursts.clear();
  }

  private noteFailure(err: Error): void {
    this.lastError = err.message || (err as NodeJS.ErrnoException).code || 'unknown error';
    this.silent = err instanceof EngineNoAnswerError;
  }

  private fail(err: Error): void {
    clearInterval(this.tickTimer);
    this.epoch++;
    this.noteFailure(err);
    this.failures++;
    this.setUp(false);
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.backoff.next());
  }

  private setUp(up: boolean): void {
    this.isUp = up;
    if (up) this.failures = 0;
    if (this.reported === up) return;
    this.reported = up;
    if (up) {
      const i = this.engineInfo as EngineInfo;
      this.logger.info('engine connected', { version: i.version, api: i.apiVersion, cgroup: i.cgroupVersion });
    } else {
      this.logger.warn('engine unreachable; retrying with backoff', { error: this.lastError });
    }
    this.hooks.onStateChange?.(up);
  }
}
