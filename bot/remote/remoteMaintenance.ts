import { AgentError } from '../agentClient';
import type { ExecOutcome } from '../maintenanceTypes';
import type { AgentHttp } from './agentHttp';
import { streamedOutcome } from './remoteOutcome';
import { objectOf } from './remoteViews';

/**
 * Posts an `rm`, `rmi` or `exec` request to an agent and reads its one NDJSON line (api/controlApiMaintenance.ts):
 * the sentence of `rm`/`rmi`, the outcome of `exec`, or the agent's error (an AgentError, shown as the agent said it
 * when it is meant for the user). A 4xx before the stream is the agent's own message.
 */
export async function remoteMaintenance<K extends 'result' | 'exec'>(
  http: AgentHttp,
  path: string,
  body: object,
  signal: AbortSignal,
  want: K,
  hostName: () => string,
): Promise<K extends 'exec' ? ExecOutcome : string> {
  const fields = await streamedOutcome(
    http,
    { method: 'POST', path, body, signal },
    { isOutcome: (line) => want in line, missing: 'ended the request without a result; check before retrying' },
    hostName,
  );
  const value = fields[want];
  if (want === 'result' && typeof value !== 'string') throw new AgentError(`host ${hostName()} sent no result text`);
  if (want === 'exec') objectOf(value, hostName());
  return value as K extends 'exec' ? ExecOutcome : string;
}
