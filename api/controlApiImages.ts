import type { AgentClient } from '../bot/agentClient';
import type { ImageSelection } from '../agent/images/diskUsage';
import { closestMatch } from '../config/suggest';
import { ApiError } from './controlApiError';

/** Longest `filter` accepted, in characters. */
export const MAX_IMAGE_FILTER_LENGTH = 256;

const PARAMS = ['filter', 'dangling'] as const;
const SHOWN_CHARS = 80;

/** Reads the query of `GET /api/v1/images?filter=&dangling=`; a 400 naming every bad parameter and its value. */
export function parseImagesRequest(query: URLSearchParams): ImageSelection {
  const problems: string[] = [];
  for (const key of new Set(query.keys())) {
    if (!(PARAMS as readonly string[]).includes(key)) {
      const guess = closestMatch(key, PARAMS);
      const hint = guess ? `did you mean ${JSON.stringify(guess)}?` : `known: ${PARAMS.join(', ')}`;
      problems.push(`${shown(key)}: unknown parameter (${hint})`);
    } else if (query.getAll(key).length > 1) problems.push(`${key}: given more than once`);
  }
  const filter = query.get('filter');
  if (filter !== null && (filter === '' || filter.length > MAX_IMAGE_FILTER_LENGTH || /[\p{Cc}]/u.test(filter))) {
    problems.push(`filter: ${shown(filter)} is not a repository:tag word (1 to ${MAX_IMAGE_FILTER_LENGTH} characters)`);
  }
  const dangling = query.get('dangling');
  if (dangling !== null && dangling !== 'true' && dangling !== 'false') {
    problems.push(`dangling: ${shown(dangling)} is not true or false`);
  }
  if (problems.length) throw new ApiError(400, problems.join('; '));
  return { ...(filter === null ? {} : { filter }), ...(dangling === 'true' ? { dangling: true } : {}) };
}

/** `GET /api/v1/images`: the images the query selects and the host's disk use totals. */
export async function imagesAnswer(
  agent: AgentClient,
  query: URLSearchParams,
  signal: AbortSignal,
): Promise<{ status: number; body: unknown }> {
  const selection = parseImagesRequest(query);
  return { status: 200, body: await agent.images({ ...selection, signal }) };
}

function shown(value: string): string {
  return JSON.stringify(value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value);
}
