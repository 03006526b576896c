import type Docker from 'dockerode';
import { loadDockerode } from './loadDockerode';
import type { Logger } from '../logger';
import { negotiateApiVersion } from './apiVersion';
import { Backoff } from './backoff';
import { dockerOptions, type DockerEndpoint, type DockerTls } from './dockerHost';
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
 * capped backoff, logging once per state change.
 */
export class EngineSupervisor {
  private docker: Docker | undefined;
  private engineInfo: EngineInfo | undefined;
  private isUp = false;
  private stopped = false;
  private stream: EventStreamHandle | undefined;
  private readonly events = new EventDeduper();
  private retryTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff(500, 30_000);
  private lastError = '';
  private failures = 0;
  private reported: boolean | undefined;

  constructor(
    private readonly endpoint: DockerEndpoint,
    private readonly tls: DockerTls | undefined,
    private readonly hooks: EngineHooks,
    private readonly logger: Logger,
    private readonly tickIntervalMs: number,
    private readonly onApiError: (operation: string) => void,
  ) {}

  /** Whether the engine answered at the last attempt. */
  get up(): boolean {
    return this.isUp;
  }

  /** Failed attempts (connections, resumes) since the engine was last up: how long it has been trying in vain. */
  get failedAttempts(): number {
    return this.failures;
  }

  /** Why the last attempt failed, while the engine is not up (undefined before any failure). */
  get lastFailure(): string | undefined {
    return this.isUp || this.lastError === '' ? undefined : this.lastError;
  }

  /** The engine's description, once connected at least once. */
  get info(): EngineInfo | undefined {
    return this.engineInfo;
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
    void this.connect();
  }

  /** Stops retrying, closes the stream and timers. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.tickTimer);
    this.stream?.close();
    this.stream = undefined;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const Dockerode = loadDockerode();
      const bare = new Dockerode(dockerOptions(this.endpoint, this.tls));
      const version = (await bare.version()) as unknown as {
        ApiVersion: string;
        MinAPIVersion?: string;
        Version: string;
      };
      const apiVersion = negotiateApiVersion(version.ApiVersion, version.MinAPIVersion);
      const docker = new Dockerode(dockerOptions(this.endpoint, this.tls, apiVersion));
      const info = (await docker.info()) as Record<string, unknown>;
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
    }
  }

  private async openStream(docker: Docker): Promise<void> {
    const from = this.events.resumeFrom ?? this.events.startAt(BigInt(Date.now()) * 1_000_000n);
    const since = sinceAfter(from);
    this.stream = await openEventStream(
      docker,
      since,
      (e) => this.dispatch(docker, e),
      (err) => void this.onStreamEnd(docker, err),
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

  private async onStreamEnd(docker: Docker, err?: Error): Promise<void> {
    if (this.stopped) return;
    this.stream = undefined;
    try {
      await docker.ping();
      this.logger.debug('event stream ended; resuming', { error: err?.message });
      await this.hooks.onConnected(docker, this.engineInfo as EngineInfo);
      await this.openStream(docker);
    } catch (e) {
      this.onApiError('events');
      this.fail(e as Error);
    }
  }

  private async tick(): Promise<void> {
    const docker = this.client;
    if (!docker) return;
    try {
      await this.hooks.onTick(docker);
    } catch (err) {
      this.onApiError('resync');
      try {
        await docker.ping();
      } catch {
        this.stream?.close();
        this.stream = undefined;
        this.fail(err as Error);
      }
    }
  }

  private fail(err: Error): void {
    clearInterval(this.tickTimer);
    this.lastError = err.message || (err as NodeJS.ErrnoException).code || 'unknown error';
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
