import type { Matchers, NewSilence } from '../alerts/silences';
import { formatDuration, parseDuration } from '../config/duration';
import { describeValue } from '../config/fields';
import { formatKeyPath, isMapping, type KeyPath } from '../config/keyPath';
import { closestMatch } from '../config/suggest';
import { ApiError } from './controlApiError';

/** The shortest silence or maintenance window the API accepts. */
export const MIN_SILENCE_MS = 1000;
/** The longest silence or maintenance window the API accepts (30 days). */
export const MAX_SILENCE_MS = 30 * 86_400_000;
/** Longest `comment` accepted, in characters. */
export const MAX_COMMENT_LENGTH = 1000;
/** Longest `createdBy` accepted, in characters. */
export const MAX_CREATED_BY_LENGTH = 200;
/** What a maintenance window's comment starts with, so it stands out among the silences. */
export const MAINTENANCE_COMMENT = 'maintenance window';

const SILENCE_FIELDS = ['matchers', 'duration', 'until', 'comment', 'createdBy'] as const;
const MAINTENANCE_FIELDS = ['duration', 'matchers', 'comment', 'createdBy'] as const;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;
const SHOWN_CHARS = 80;

/** Parses a request body as JSON; a 400 naming the problem when it is empty or not JSON. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new ApiError(400, 'the request body is empty (send a JSON object)');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(400, `the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Reads `POST /api/v1/silences`: `{matchers, duration | until, comment?, createdBy}`. Throws a 400 ApiError naming
 * every bad field and its value.
 */
export function parseSilenceRequest(body: unknown, now: number): NewSilence {
  const problems: string[] = [];
  const fields = objectFields(body, SILENCE_FIELDS, problems);
  const matchers = readMatchers(fields.matchers, problems);
  let until: number | undefined;
  if (fields.duration !== undefined && fields.until !== undefined) {
    problem(problems, ['until'], 'give duration or until, not both');
  } else if (fields.until !== undefined) {
    until = readUntil(fields.until, now, problems);
  } else if (fields.duration !== undefined) {
    const ms = readDuration(fields.duration, problems);
    until = ms === undefined ? undefined : now + ms;
  } else {
    problem(problems, ['duration'], 'is required (or give until)');
  }
  const comment = readText(fields.comment, 'comment', MAX_COMMENT_LENGTH, false, problems);
  const createdBy = readText(fields.createdBy, 'createdBy', MAX_CREATED_BY_LENGTH, true, problems);
  if (problems.length || !matchers || until === undefined || createdBy === undefined) throw badRequest(problems);
  return { matchers, until, createdBy, ...(comment === undefined ? {} : { comment }) };
}

/**
 * Reads `POST /api/v1/maintenance`: `{duration, matchers?, comment?, createdBy}`, a window from now on. Matchers
 * default to `{host: hostName}` (every alert of this host); the comment starts with {@link MAINTENANCE_COMMENT}.
 */
export function parseMaintenanceRequest(body: unknown, now: number, hostName: string): NewSilence {
  const problems: string[] = [];
  const fields = objectFields(body, MAINTENANCE_FIELDS, problems);
  const matchers = fields.matchers === undefined ? { host: hostName } : readMatchers(fields.matchers, problems);
  const ms =
    fields.duration === undefined
      ? problem(problems, ['duration'], 'is required')
      : readDuration(fields.duration, problems);
  const comment = readText(fields.comment, 'comment', MAX_COMMENT_LENGTH, false, problems);
  const createdBy = readText(fields.createdBy, 'createdBy', MAX_CREATED_BY_LENGTH, true, problems);
  if (problems.length || !matchers || ms === undefined || createdBy === undefined) throw badRequest(problems);
  const note = comment ? `${MAINTENANCE_COMMENT}: ${comment}` : MAINTENANCE_COMMENT;
  return { matchers, until: now + ms, comment: note, createdBy };
}

function objectFields(body: unknown, known: readonly string[], problems: string[]): Record<string, unknown> {
  if (!isMapping(body)) throw new ApiError(400, `the request body must be a JSON object, not ${shown(body)}`);
  for (const key of Object.keys(body)) {
    if (known.includes(key)) continue;
    const guess = closestMatch(key, known);
    const hint = guess ? `did you mean ${JSON.stringify(guess)}?` : `known fields: ${known.join(', ')}`;
    problem(problems, [key], `unknown field (${hint})`);
  }
  return body;
}

function readMatchers(value: unknown, problems: string[]): Matchers | undefined {
  if (value === undefined) return problem(problems, ['matchers'], 'is required');
  if (!isMapping(value)) {
    return problem(problems, ['matchers'], `expected an object of label: value-or-glob, got ${shown(value)}`);
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return problem(problems, ['matchers'], 'must not be empty (a silence needs a matcher)');
  const before = problems.length;
  for (const [label, pattern] of entries) {
    if (label === '') problem(problems, ['matchers', label], 'a label name must not be empty');
    else if (typeof pattern !== 'string') {
      problem(problems, ['matchers', label], `expected a string, got ${shown(pattern)}`);
    }
  }
  return problems.length === before ? (Object.fromEntries(entries) as Matchers) : undefined;
}

function readDuration(value: unknown, problems: string[]): number | undefined {
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined)
    return problem(problems, ['duration'], `${shown(value)} is not a duration (use e.g. 30m, 1h, 2h30m)`);
  if (ms < MIN_SILENCE_MS) {
    return problem(problems, ['duration'], `${shown(value)} is below the minimum ${formatDuration(MIN_SILENCE_MS)}`);
  }
  if (ms > MAX_SILENCE_MS) {
    return problem(problems, ['duration'], `${shown(value)} is above the maximum ${formatDuration(MAX_SILENCE_MS)}`);
  }
  return ms;
}

function readUntil(value: unknown, now: number, problems: string[]): number | undefined {
  const ms = typeof value === 'string' && RFC3339.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    return problem(problems, ['until'], `${shown(value)} is not an RFC 3339 time (e.g. 2026-12-31T00:00:00Z)`);
  }
  if (ms <= now) return problem(problems, ['until'], `${shown(value)} is not in the future`);
  if (ms - now > MAX_SILENCE_MS) {
    return problem(problems, ['until'], `${shown(value)} is more than ${formatDuration(MAX_SILENCE_MS)} from now`);
  }
  return ms;
}

function readText(
  value: unknown,
  field: string,
  maxLength: number,
  required: boolean,
  problems: string[],
): string | undefined {
  if (value === undefined) return required ? problem(problems, [field], 'is required') : undefined;
  if (typeof value !== 'string') return problem(problems, [field], `expected a string, got ${shown(value)}`);
  if (required && value.trim() === '') return problem(problems, [field], 'must not be empty');
  if (value.length > maxLength) return problem(problems, [field], `is longer than ${maxLength} characters`);
  return value;
}

function problem(problems: string[], path: KeyPath, message: string): undefined {
  problems.push(`${formatKeyPath(path)}: ${message}`);
  return undefined;
}

function badRequest(problems: readonly string[]): ApiError {
  return new ApiError(400, problems.join('; '));
}

/** A value as an error shows it: long strings cut short, so an error never carries a whole request back. */
function shown(value: unknown): string {
  if (typeof value === 'string' && value.length > SHOWN_CHARS) return `${JSON.stringify(value.slice(0, SHOWN_CHARS))}…`;
  return describeValue(value);
}
