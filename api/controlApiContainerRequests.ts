import { closestMatch } from '../config/suggest';
import { MAX_DEPLOY_TIMEOUT_MS } from '../agent/actions/engineContainerActions';
import { isValidImageRef } from '../agent/registry/imageRef';
import { ApiError } from './controlApiError';
import type { ContainerActionName } from './controlApiRoutes';

/** Most log lines one request may ask for. */
export const MAX_LOG_TAIL = 10_000;
/** Lines sent when `tail` is not given. */
export const DEFAULT_LOG_TAIL = 100;
/** Longest `grep` expression accepted, in characters (as the bot's own parser). */
export const MAX_GREP_LENGTH = 200;
/** Longest `by` accepted, in characters. */
export const MAX_BY_LENGTH = 200;

/** `GET /api/v1/containers/:id/logs?tail=&since=&grep=`: since is ms since the epoch, grep a regex source. */
export type LogRequest = { tail: number; sinceMs?: number; grep?: RegExp };

/**
 * The body of an action: who asked; for a rollback, the revision to bring back; for a deploy, the image (none: the
 * container's own tag again) and the health gate's deadline in ms.
 */
export type ActionRequest = { by: string; to?: number; image?: string; timeoutMs?: number };

const LOG_PARAMS = ['tail', 'since', 'grep'] as const;
const SHOWN_CHARS = 80;

/** Reads the query of a logs request; a 400 naming every bad parameter and its value. */
export function parseLogRequest(query: URLSearchParams): LogRequest {
  const problems: string[] = [];
  for (const key of new Set(query.keys())) {
    if ((LOG_PARAMS as readonly string[]).includes(key)) {
      if (query.getAll(key).length > 1) problems.push(`${key}: given more than once`);
      continue;
    }
    const guess = closestMatch(key, LOG_PARAMS);
    const hint = guess ? `did you mean ${JSON.stringify(guess)}?` : `known: ${LOG_PARAMS.join(', ')}`;
    problems.push(`${shown(key)}: unknown parameter (${hint})`);
  }
  const tail = readInteger(query.get('tail'), 'tail', 0, MAX_LOG_TAIL, problems) ?? DEFAULT_LOG_TAIL;
  const sinceMs = readInteger(query.get('since'), 'since', 0, Number.MAX_SAFE_INTEGER, problems);
  const grep = readGrep(query.get('grep'), problems);
  if (problems.length) throw new ApiError(400, problems.join('; '));
  return { tail, ...(sinceMs === undefined ? {} : { sinceMs }), ...(grep === undefined ? {} : { grep }) };
}

/** Reads an action's JSON body: `{by}`, plus `to` (a revision number) for a rollback. */
export function parseActionRequest(body: unknown, action: ContainerActionName): ActionRequest {
  const known = action === 'rollback' ? ['by', 'to'] : action === 'deploy' ? ['by', 'image', 'timeoutMs'] : ['by'];
  const { fields, problems } = openBody(body, known, action, '{"by": "alice"}');
  const { by, to } = fields;
  if (to !== undefined && (typeof to !== 'number' || !Number.isSafeInteger(to) || to < 1)) {
    problems.push(`to: ${shown(to)} is not a revision number (1, 2, …)`);
  }
  const deploy = action === 'deploy' ? readDeployFields(fields, problems) : {};
  if (problems.length) throw new ApiError(400, problems.join('; '));
  return { by: by as string, ...(typeof to === 'number' ? { to } : {}), ...deploy };
}

function readDeployFields(
  fields: Record<string, unknown>,
  problems: string[],
): Pick<ActionRequest, 'image' | 'timeoutMs'> {
  const { image, timeoutMs } = fields;
  if (image !== undefined && (typeof image !== 'string' || !isValidImageRef(image))) {
    problems.push(`image: ${shown(image)} is not an image reference (name[:tag] or name@sha256:digest)`);
  }
  if (timeoutMs !== undefined) checkTimeoutMs(timeoutMs, MAX_DEPLOY_TIMEOUT_MS, problems);
  return {
    ...(typeof image === 'string' ? { image } : {}),
    ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}),
  };
}

/**
 * Opens an action's JSON body (400 unless it is an object): its fields, and the problems found so far: unknown
 * fields (with a close known one, if any) and a missing or too long `by`.
 */
export function openBody(
  body: unknown,
  known: readonly string[],
  what: string,
  example: string,
): { fields: Record<string, unknown>; problems: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, `the request body must be a JSON object such as ${example}`);
  }
  const fields = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(fields)) {
    if (known.includes(key)) continue;
    const guess = closestMatch(key, known);
    const hint = guess ? `did you mean ${JSON.stringify(guess)}?` : `${what} takes ${known.join(', ')}`;
    problems.push(`${shown(key)}: unknown field (${hint})`);
  }
  const { by } = fields;
  if (typeof by !== 'string' || by.trim() === '') problems.push('by: required, the name of who asked');
  else if (by.length > MAX_BY_LENGTH) problems.push(`by: longer than ${MAX_BY_LENGTH} characters`);
  return { fields, problems };
}

/** Adds a problem unless `timeoutMs` is a whole number of ms from 1000 to `maxMs`. */
export function checkTimeoutMs(timeoutMs: unknown, maxMs: number, problems: string[]): void {
  const ok =
    typeof timeoutMs === 'number' && Number.isSafeInteger(timeoutMs) && timeoutMs >= 1000 && timeoutMs <= maxMs;
  if (!ok) problems.push(`timeoutMs: ${shown(timeoutMs)} is not a whole number of ms from 1000 to ${maxMs}`);
}

function readInteger(
  value: string | null,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number | undefined {
  if (value === null) return undefined;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    problems.push(`${name}: ${shown(value)} is not a whole number from ${min} to ${max}`);
    return undefined;
  }
  return n;
}

function readGrep(source: string | null, problems: string[]): RegExp | undefined {
  if (source === null) return undefined;
  if (source.length > MAX_GREP_LENGTH) {
    problems.push(`grep: the expression is too long (${source.length} characters; at most ${MAX_GREP_LENGTH})`);
    return undefined;
  }
  try {
    return new RegExp(source);
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    problems.push(`grep: ${shown(source)} is not a valid regular expression (${reason})`);
    return undefined;
  }
}

/** A value as an error message quotes it: JSON, cut after 80 characters. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : String(JSON.stringify(value));
  return JSON.stringify(text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text);
}
