import { performance } from 'node:perf_hooks';
import type { RecordedRequest } from '../test/support/fakeDiscord';

/** The final edit of an interaction's deferred reply as the fake received it. */
export type FinalEdit = {
  /** performance.now() when the fake had handled the PATCH. */
  at: number;
  /** performance.now() when the fake had handled the interaction's callback (the defer), if it came. */
  deferredAt?: number;
  /** Size of the PATCH body on the wire (JSON, or multipart with the files). */
  bytes: number;
  /** The uploaded files (name and size in bytes); empty when the reply fit in the embed. */
  files: { name: string; bytes: number }[];
  /** The embed's description and the files' text: what the user reads. */
  text: string;
  /** Progress edits of the same reply before the final one. */
  progressEdits: number;
};

type Embed = { title?: string; description?: string };

const CALLBACK = /^\/api\/v10\/interactions\/(\d+)\/([^/]+)\/callback$/;
const ORIGINAL = /^\/api\/v10\/webhooks\/\d+\/([^/]+)\/messages\/@original$/;

/** A progress edit ("Running …" and its steps, no title, no files) rather than the command's reply. */
function isProgressEdit(request: RecordedRequest): boolean {
  const embeds = ((request.body as { embeds?: Embed[] } | undefined)?.embeds ?? []) as Embed[];
  const first = embeds[0];
  return (
    request.files.length === 0 &&
    embeds.length === 1 &&
    first?.title === undefined &&
    (first?.description ?? '').startsWith('Running ')
  );
}

/**
 * Times interaction replies from the fake Discord's request hook, with no polling: the callback (defer) and the
 * final `PATCH …/messages/@original` of each interaction, keyed by interaction id (the callback's path ties the
 * token the PATCH carries to the id).
 */
export class ReplyClock {
  private readonly idByToken = new Map<string, string>();
  private readonly deferredAt = new Map<string, number>();
  private readonly progress = new Map<string, number>();
  private readonly finals = new Map<string, FinalEdit>();
  private readonly waiters = new Map<string, (edit: FinalEdit) => void>();

  /** The fake's `onRequest` hook. */
  readonly onRequest = (request: RecordedRequest, bytes: number): void => {
    const at = performance.now();
    const callback = CALLBACK.exec(request.path);
    if (callback && request.method === 'POST') {
      const id = callback[1] as string;
      this.idByToken.set(callback[2] as string, id);
      this.deferredAt.set(id, at);
      return;
    }
    const original = ORIGINAL.exec(request.path);
    if (!original || request.method !== 'PATCH') return;
    const id = this.idByToken.get(original[1] as string);
    if (id === undefined) return;
    if (isProgressEdit(request)) {
      this.progress.set(id, (this.progress.get(id) ?? 0) + 1);
      return;
    }
    const embeds = ((request.body as { embeds?: Embed[] } | undefined)?.embeds ?? []) as Embed[];
    const deferredAt = this.deferredAt.get(id);
    const edit: FinalEdit = {
      at,
      ...(deferredAt === undefined ? {} : { deferredAt }),
      bytes,
      files: request.files.map((f) => ({ name: f.name, bytes: Buffer.byteLength(f.content) })),
      text: [...embeds.map((e) => e.description ?? ''), ...request.files.map((f) => f.content)].join('\n'),
      progressEdits: this.progress.get(id) ?? 0,
    };
    this.finals.set(id, edit);
    this.waiters.get(id)?.(edit);
  };

  /** Resolves with the final edit of interaction `id` (also when it came already); rejects after `timeoutMs`. */
  finalEdit(id: string, timeoutMs: number): Promise<FinalEdit> {
    const done = this.finals.get(id);
    if (done) return Promise.resolve(this.take(id, done));
    return new Promise<FinalEdit>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`no final reply to interaction ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(id, (edit) => {
        clearTimeout(timer);
        resolve(this.take(id, edit));
      });
    });
  }

  private take(id: string, edit: FinalEdit): FinalEdit {
    this.waiters.delete(id);
    this.finals.delete(id);
    this.deferredAt.delete(id);
    this.progress.delete(id);
    return edit;
  }
}
