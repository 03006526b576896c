import type { ImagePuller, PullProgress, PullResult } from '../images/imagePuller';
import { pullRef } from '../images/enginePuller';
import { formatImageRef } from '../registry/imageRef';
import type { Logger } from '../../shared/logger';
import { AuditHooks } from './actionAudit';
import { ActionError } from './actionError';

/** One audit record of a pull, written when it starts and when it ends (never credentials). */
export type PullAuditEntry = {
  action: 'pull';
  /** The reference, normalised. */
  image: string;
  phase: 'started' | 'succeeded' | 'failed';
  at: number;
  requestedBy?: string;
  detail?: string;
};

/** `pull`: who asked, cancellation and where progress goes. */
export type PullOptions = {
  requestedBy?: string;
  signal?: AbortSignal;
  onProgress?: (progress: PullProgress) => void;
};

/** What the pull action is built from. */
export type ImagePullsDeps = { pull: ImagePuller; logger: Logger; now?: () => number };

/**
 * `pull` as an engine write: the reference validated before anything reaches the engine, the start and the end
 * audited (the agent's log and any audit hooks) like the container actions.
 */
export class ImagePulls {
  private readonly hooks: AuditHooks<PullAuditEntry>;
  private readonly now: () => number;

  constructor(private readonly deps: ImagePullsDeps) {
    this.now = deps.now ?? Date.now;
    this.hooks = new AuditHooks(deps.logger);
  }

  /** Adds an audit hook; returns a function that removes it. */
  onAudit(hook: (entry: PullAuditEntry) => void): () => void {
    return this.hooks.add(hook);
  }

  /** Pulls an image (ActionError when the reference is invalid or the pull fails, saying why). */
  async pull(ref: string, options: PullOptions = {}): Promise<PullResult> {
    const image = formatImageRef(pullRef(ref));
    const audit = (phase: PullAuditEntry['phase'], detail?: string) => this.audit(image, phase, options, detail);
    audit('started');
    try {
      const result = await this.deps.pull(image, {
        ...(options.signal && { signal: options.signal }),
        ...(options.onProgress && { onProgress: options.onProgress }),
      });
      const how = result.upToDate ? 'already up to date' : 'pulled';
      audit('succeeded', `${how}: ${result.imageId}${result.digest ? ` (${result.digest})` : ''}`);
      return result;
    } catch (err) {
      audit('failed', (err as Error).message);
      throw err instanceof ActionError ? err : new ActionError('failed', `pulling ${image} failed: ${String(err)}`);
    }
  }

  private audit(image: string, phase: PullAuditEntry['phase'], options: PullOptions, detail?: string): void {
    this.hooks.write({
      action: 'pull',
      image,
      phase,
      at: this.now(),
      ...(options.requestedBy !== undefined && { requestedBy: options.requestedBy }),
      ...(detail !== undefined && { detail }),
    });
  }
}
