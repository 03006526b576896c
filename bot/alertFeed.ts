import type { Logger } from '../shared/logger';
import type { Alert } from '../alerts/alert';
import type { ChatAdapter } from './adapters/chatAdapter';
import { alertMessage } from './alertMessage';
import type { AlertPostStore } from './alertPostStore';
import type { Fleet } from './fleet';

const PRUNE_EVERY_MS = 3_600_000;

/** What the feed is built from. */
export type AlertFeedDeps = {
  fleet: Fleet;
  adapters: readonly ChatAdapter[];
  posts: AlertPostStore;
  /** How often every host's alerts are read. */
  intervalMs: number;
  logger: Logger;
  now?: () => number;
};

/**
 * Posts alerts to the chat adapters' alert channels: once when an alert fires (again if it fires anew), once when it
 * resolves (or disappears from an agent that answered). Alerts a silence or an open maintenance window keeps quiet
 * (`silencedBy`) are not posted. What was posted is kept in
 * the store, so a restarted bot neither reposts nor forgets; a host that does not answer is skipped, not resolved.
 */
export class AlertFeed {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private prunedAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(private readonly deps: AlertFeedDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Reads alerts now and then every interval. */
  start(): void {
    const tick = () => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.deps.intervalMs);
    this.timer.unref();
  }

  /** Stops reading; resolves once a tick in progress is done. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every host (exposed for tests). */
  async tick(): Promise<void> {
    const { fleet } = this.deps;
    await Promise.all(fleet.hostNames().map((host) => this.host(host)));
    const now = this.now();
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.deps.posts.prune(now);
      this.prunedAt = now;
    }
  }

  private async host(host: string): Promise<void> {
    const agent = this.deps.fleet.agent(host);
    if (!agent) return;
    let alerts: Alert[];
    try {
      alerts = await agent.alerts();
    } catch (err) {
      this.deps.logger.debug('alert feed: host not answering', { host, error: (err as Error).message });
      return;
    }
    const now = this.now();
    const posted = this.deps.posts.ofHost(host);
    const seen = new Set<string>();
    for (const alert of alerts) {
      seen.add(alert.key);
      const last = posted.get(alert.key);
      const firedAt = alert.firedAt ?? alert.activeAt;
      if (alert.state === 'firing') {
        if (last?.state === 'firing' && last.firedAt === firedAt) continue;
        if (alert.silencedBy !== undefined) continue;
        await this.post(alert, host, firedAt, 'firing', now);
      } else if (alert.state === 'resolved' && last?.state === 'firing') {
        await this.post(alert, host, last.firedAt, 'resolved', now);
      }
    }
    for (const last of posted.values()) {
      if (last.state !== 'firing' || seen.has(last.key)) continue;
      const gone: Alert = {
        key: last.key,
        rule: last.key.replace(/\{.*$/, ''),
        severity: 'info',
        state: 'resolved',
        labels: {},
        annotations: { summary: 'no longer reported by the agent' },
        activeAt: last.firedAt,
        resolvedAt: now,
      };
      await this.post(gone, host, last.firedAt, 'resolved', now);
    }
  }

  private async post(alert: Alert, host: string, firedAt: number, state: 'firing' | 'resolved', now: number) {
    const message = alertMessage(alert, host, now);
    const results = await Promise.allSettled(this.deps.adapters.map((a) => a.postAlert(message)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const f of failed) {
      this.deps.logger.warn('alert not posted to chat', { host, alert: alert.key, error: String(f.reason) });
    }
    if (failed.length < results.length || results.length === 0) {
      this.deps.posts.save({ host, key: alert.key, state, firedAt }, now);
    }
  }
}
