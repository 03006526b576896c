import type { ContainerRecord } from '../inventory/containerRecord';
import type { Logger } from '../../shared/logger';
import { ActionError, errorText } from './actionError';
import type { ActionAuditEntry, ActionAuditHook, ActionName, ActionOptions } from './containerActions';

/** Writes one audit entry of an action: its phase and what it says. */
export type Audit = (phase: ActionAuditEntry['phase'], detail?: string) => void;

/**
 * Where audit entries of one kind go: the agent's log (`action <name> <phase>`) and every hook added (the bot's
 * audit store); a hook that throws is logged and the others still run.
 */
export class AuditHooks<E extends { action: string; phase: string }> {
  private readonly hooks: ((entry: E) => void)[] = [];

  constructor(private readonly logger: Logger) {}

  /** Adds a hook; returns a function that removes it. */
  add(hook: (entry: E) => void): () => void {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /** Logs an entry and hands it to every hook. */
  write(entry: E): void {
    this.logger.info(`action ${entry.action} ${entry.phase}`, { ...entry });
    for (const hook of this.hooks) {
      try {
        hook(entry);
      } catch (err) {
        this.logger.warn('audit hook failed', { action: entry.action, error: (err as Error).message });
      }
    }
  }
}

/** The audit of the container actions: an entry when an action starts and one when it ends. */
export class ContainerActionAudit {
  private readonly hooks: AuditHooks<ActionAuditEntry>;

  constructor(
    logger: Logger,
    private readonly now: () => number,
  ) {
    this.hooks = new AuditHooks(logger);
  }

  /** Adds an audit hook (the bot's audit store); returns a function that removes it. */
  onAudit(hook: ActionAuditHook): () => void {
    return this.hooks.add(hook);
  }

  /** The audit of one action on one container (or image, by name with no ID). */
  auditor(action: ActionName, record: Pick<ContainerRecord, 'name' | 'id'>, options: ActionOptions): Audit {
    return (phase, detail) =>
      this.hooks.write({
        action,
        container: record.name,
        containerId: record.id,
        phase,
        at: this.now(),
        ...(options.requestedBy !== undefined && { requestedBy: options.requestedBy }),
        ...(detail !== undefined && { detail }),
      });
  }

  /**
   * Runs an action audited: `started` (with `startDetail`), then `succeeded` with the detail `work` gives, or `failed`
   * with the error (rethrown as an ActionError `failed` naming the action unless it is one).
   */
  async audited<T>(
    action: ActionName,
    record: Pick<ContainerRecord, 'name' | 'id'>,
    options: ActionOptions,
    startDetail: string | undefined,
    work: () => Promise<{ result: T; detail: string }>,
  ): Promise<T> {
    const audit = this.auditor(action, record, options);
    audit('started', startDetail);
    try {
      const { result, detail } = await work();
      audit('succeeded', detail);
      return result;
    } catch (err) {
      const message = errorText(err);
      audit('failed', startDetail ? `${startDetail}: ${message}` : message);
      throw err instanceof ActionError ? err : new ActionError('failed', `${action} ${record.name} failed: ${message}`);
    }
  }

  /**
   * Runs a replacement (rollback, deploy) audited: its outcome as `succeeded` or `failed` with its detail, an error as
   * `failed` (rethrown as an ActionError `failed` unless it is one).
   */
  async auditedOutcome<T>(
    audit: Audit,
    work: () => Promise<{ result: T; ok: boolean; detail: string | undefined }>,
  ): Promise<T> {
    try {
      const { result, ok, detail } = await work();
      audit(ok ? 'succeeded' : 'failed', detail);
      return result;
    } catch (err) {
      audit('failed', (err as Error).message);
      throw err instanceof ActionError ? err : new ActionError('failed', (err as Error).message);
    }
  }
}
