import type { ActionOptions } from '../agentClient';
import type { AgentHttp } from './agentHttp';
import { streamedOutcome } from './remoteOutcome';

/** The control API endpoint that pulls an image, streaming NDJSON progress like the container actions. */
export const PULL_PATH = '/api/v1/images/pull';

/**
 * `pull` over the control API: `POST /api/v1/images/pull {ref, by}`; `{progress}` lines go to `onProgress`, then
 * one `{result}` (the summary) or `{error}` (the agent's words, rejected as an AgentError).
 */
export async function remotePull(
  http: AgentHttp,
  ref: string,
  options: ActionOptions,
  hostName: () => string,
): Promise<string> {
  const fields = await streamedOutcome(
    http,
    { method: 'POST', path: PULL_PATH, body: { ref, by: options.by }, signal: options.signal },
    {
      isOutcome: (line) => typeof line.result === 'string',
      onProgress: options.onProgress,
      missing: `ended the pull of ${ref} without a result`,
    },
    hostName,
  );
  return fields.result as string;
}
