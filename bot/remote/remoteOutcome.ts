import { AgentError } from '../agentClient';
import type { AgentHttp, AgentRequest } from './agentHttp';
import { objectOf } from './remoteViews';

/** How to read one streamed answer: which line is its outcome, where progress goes, what to say when none came. */
export type OutcomeReading = {
  /** Whether a line (other than a progress line) is the outcome. */
  isOutcome: (fields: Record<string, unknown>) => boolean;
  onProgress?: ((step: string) => void) | undefined;
  /** What the agent left undone, said after `host X `: `ended the pull of app:v1 without a result`. */
  missing: string;
};

/**
 * Sends a request an agent answers with NDJSON (api/controlApiActionStream.ts): `{progress}` lines go to
 * `onProgress`, then resolves with the fields of the outcome line, or rejects with the agent's error as an AgentError
 * (as the agent said it when it is meant for the user, else naming the host), or saying the answer ended without one.
 */
export async function streamedOutcome(
  http: AgentHttp,
  request: AgentRequest,
  reading: OutcomeReading,
  hostName: () => string,
): Promise<Record<string, unknown>> {
  let outcome: { fields: Record<string, unknown> } | { error: string } | undefined;
  await http.lines(request, (line) => {
    const fields = objectOf(line, hostName());
    if (typeof fields.progress === 'string') reading.onProgress?.(fields.progress);
    else if (reading.isOutcome(fields)) outcome = { fields };
    else if (typeof fields.error === 'string') {
      outcome = { error: fields.kind === 'agent' ? fields.error : `host ${hostName()}: ${fields.error}` };
    }
  });
  if (outcome === undefined) throw new AgentError(`host ${hostName()} ${reading.missing}`);
  if ('error' in outcome) throw new AgentError(outcome.error);
  return outcome.fields;
}
