/** A registry request that failed; the message names the registry and what went wrong, never a credential. */
export class RegistryError extends Error {
  constructor(
    readonly registry: string,
    message: string,
    /** The HTTP status, when the registry answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** The fetch function the client uses (the global one; tests may wrap it). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Largest manifest or token response read (real ones are a few KB). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Sends one request with a timeout (and the caller's abort signal), turning network failures into RegistryErrors that
 * say which registry did not answer and why (refused, not resolved, timed out).
 */
export async function sendRequest(
  fetchFn: FetchLike,
  registry: string,
  url: string,
  init: RequestInit & { timeoutMs: number; signal?: AbortSignal },
): Promise<Response> {
  const { timeoutMs, signal, ...rest } = init;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    return await fetchFn(url, { ...rest, signal: combined, redirect: 'follow' });
  } catch (err) {
    if (signal?.aborted) throw new RegistryError(registry, `request to registry ${registry} was cancelled`);
    if (timeout.aborted) {
      throw new RegistryError(registry, `registry ${registry} did not answer within ${timeoutMs / 1000}s`);
    }
    throw new RegistryError(registry, `registry ${registry} is unreachable (${networkReason(err)})`);
  }
}

/** Reads a response body up to {@link MAX_BODY_BYTES}; a larger one is an error naming the registry. */
export async function readBody(registry: string, res: Response): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > MAX_BODY_BYTES) {
    await res.body?.cancel();
    throw new RegistryError(registry, `registry ${registry} sent ${declared} bytes, more than a manifest can be`);
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) {
      throw new RegistryError(registry, `registry ${registry} sent more than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Discards a body that is not needed, so the connection can be reused. */
export async function discardBody(res: Response): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    // already consumed or closed
  }
}

/** The `error` codes of a registry's JSON error body (`MANIFEST_UNKNOWN`, `DENIED`, …), for messages. */
export async function errorCodes(registry: string, res: Response): Promise<string> {
  try {
    const body = JSON.parse((await readBody(registry, res)).toString('utf8')) as {
      errors?: { code?: unknown; message?: unknown }[];
    };
    const parts = (body.errors ?? []).map((e) => [e.code, e.message].filter((x) => typeof x === 'string').join(': '));
    return parts.filter(Boolean).join('; ').slice(0, 300);
  } catch {
    return '';
  }
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return (err as Error).message ?? String(err);
}
