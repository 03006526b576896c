import { checkImageWord } from '../agent/actions/removeImage';
import { ApiError } from './controlApiError';
import { checkTimeoutMs, openBody, shown } from './controlApiContainerRequests';

/** `POST …/containers/:id/rm`: who asked, `force` (a running container), `volumes` (its anonymous volumes). */
export type RemoveRequest = { by: string; force: boolean; volumes: boolean };

/**
 * `POST /api/v1/images/remove`: the image (reference or ID), who asked, `force`, and `nameable`: the full IDs of the
 * containers whose names the answer may show (the bot's role decision; none when absent: the others are counted).
 */
export type RemoveImageRequest = { image: string; by: string; force: boolean; nameable: string[] };

/** Most container IDs an `rmi` request may list as nameable. */
export const MAX_NAMEABLE = 10_000;
const CONTAINER_ID = /^[0-9a-f]{64}$/;

/** `POST …/containers/:id/exec`: the argv (no shell), who asked, the timeout in ms after which it is killed. */
export type ExecRequest = { argv: string[]; by: string; timeoutMs: number };

/** Most words in an exec argv (as the bot's command parser). */
export const MAX_EXEC_WORDS = 64;
/** Longest exec word, in characters. */
export const MAX_EXEC_WORD = 1000;
/** Longest exec timeout accepted, ms (`bot.execTimeout` is at most 4m). */
export const MAX_EXEC_TIMEOUT_MS = 240_000;

/** Reads an `rm` body; a 400 naming every bad field. */
export function parseRemoveRequest(body: unknown): RemoveRequest {
  const { fields, problems } = openBody(body, ['by', 'force', 'volumes'], 'rm', '{"by": "alice", "force": false}');
  const force = flag(fields, 'force', problems);
  const volumes = flag(fields, 'volumes', problems);
  return finish(problems, { by: fields.by as string, force, volumes });
}

/** Reads an `rmi` body; the image must be an ID or a valid reference before it reaches the engine. */
export function parseRemoveImageRequest(body: unknown): RemoveImageRequest {
  const known = ['image', 'by', 'force', 'nameable'];
  const { fields, problems } = openBody(body, known, 'rmi', '{"image": "app:v1", "by": "alice"}');
  const force = flag(fields, 'force', problems);
  const { image, nameable = [] } = fields;
  const ids = Array.isArray(nameable) && nameable.length <= MAX_NAMEABLE;
  if (!ids || !(nameable as unknown[]).every((id) => typeof id === 'string' && CONTAINER_ID.test(id))) {
    problems.push(`nameable: a list of at most ${MAX_NAMEABLE} full container IDs (64 hex digits)`);
  }
  if (typeof image !== 'string') problems.push('image: required, an image reference or ID');
  else {
    try {
      checkImageWord(image);
    } catch (err) {
      problems.push(`image: ${(err as Error).message}`);
    }
  }
  return finish(problems, { image: image as string, by: fields.by as string, force, nameable: nameable as string[] });
}

/** Reads an `exec` body: a plain argv (a program that does not start with `-`), and a timeout within bounds. */
export function parseExecRequest(body: unknown): ExecRequest {
  const example = '{"argv": ["ps"], "by": "alice", "timeoutMs": 30000}';
  const { fields, problems } = openBody(body, ['argv', 'by', 'timeoutMs'], 'exec', example);
  const { argv, timeoutMs } = fields;
  if (!Array.isArray(argv) || argv.length === 0 || argv.length > MAX_EXEC_WORDS) {
    problems.push(`argv: required, a list of 1 to ${MAX_EXEC_WORDS} strings`);
  } else if (argv.some((w) => typeof w !== 'string' || w.length > MAX_EXEC_WORD || w.includes('\0'))) {
    problems.push(`argv: every word must be a string of at most ${MAX_EXEC_WORD} characters without NUL`);
  } else if (argv[0] === '' || (argv[0] as string).startsWith('-')) {
    problems.push(`argv: the program ${shown(argv[0])} must not be empty or start with "-"`);
  }
  checkTimeoutMs(timeoutMs, MAX_EXEC_TIMEOUT_MS, problems);
  return finish(problems, { argv: argv as string[], by: fields.by as string, timeoutMs: timeoutMs as number });
}

function flag(fields: Record<string, unknown>, name: string, problems: string[]): boolean {
  const value = fields[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') problems.push(`${name}: ${shown(value)} is not true or false`);
  return value === true;
}

function finish<T>(problems: readonly string[], value: T): T {
  if (problems.length) throw new ApiError(400, problems.join('; '));
  return value;
}
