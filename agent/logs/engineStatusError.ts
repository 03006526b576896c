/** An engine's non-2xx answer as dockerode reports it: the status, its reason for the request, the JSON body. */
export type EngineStatusError = Error & { statusCode: number; reason: string; json: unknown };

/** The reasons docker-modem gives to the statuses of a container's logs request; any other is 'unexpected'. */
const LOG_REASONS: Record<number, string> = { 404: 'no such container', 500: 'server error' };

/**
 * The error for an engine's non-2xx answer to a logs request, worded as docker-modem words it
 * (`(HTTP code 404) no such container - No such container: abc`), so callers tell a gone container by `statusCode`.
 */
export function engineStatusError(statusCode: number, body: Buffer): EngineStatusError {
  const text = body.toString('utf8');
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: the text itself is the cause
  }
  const fields = (json && typeof json === 'object' ? json : {}) as { message?: unknown; error?: unknown };
  const cause = String(fields.message || fields.error || text.trim() || 'no message');
  const reason = LOG_REASONS[statusCode] ?? 'unexpected';
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${reason} - ${cause}`), { statusCode, reason, json });
}
