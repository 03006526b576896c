import { AgentError, type ActionOptions } from '../agentClient';
import type { AgentHttp } from './agentHttp';
import { objectOf } from './remoteViews';

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
  let outcome: { result: string } | { error: string } | undefined;
  const request = { method: 'POST' as const, path: PULL_PATH, body: { ref, by: options.by }, signal: options.signal };
  await http.lines(request, (line) => {
    const fields = objectOf(line, hostName());
    if (typeof fields.progress === 'string') options.onProgress?.(fields.progress);
    else if (typeof fields.result === 'string') outcome = { result: fields.result };
    else if (typeof fields.error === 'string') {
      outcome = { error: fields.kind === 'agent' ? fields.error : `host ${hostName()}: ${fields.error}` };
    }
  });
  if (outcome === undefined) throw new AgentError(`host ${hostName()} ended the pull of ${ref} without a result`);
  if ('error' in outcome) throw new AgentError(outcome.error);
  return outcome.result;
}
