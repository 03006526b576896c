import { AgentError, type DeployActionOptions } from '../agentClient';
import { readDeployReport, type DeployReport } from '../deployReport';
import type { AgentHttp } from './agentHttp';
import { streamedOutcome } from './remoteOutcome';

/**
 * Posts a deploy to an agent and reads its NDJSON answer (api/controlApiContainers.ts): progress lines, then the
 * deploy report (the diagnosis apart from the message) or the agent's error (an AgentError, as the agent said it
 * when it is meant for the user).
 */
export async function remoteDeploy(
  http: AgentHttp,
  path: string,
  body: object,
  options: DeployActionOptions,
  hostName: () => string,
): Promise<DeployReport> {
  const fields = await streamedOutcome(
    http,
    { method: 'POST', path, body, signal: options.signal },
    {
      isOutcome: (line) => 'deploy' in line,
      onProgress: options.onProgress,
      missing: "ended the deploy without a result; check the container's state before retrying",
    },
    hostName,
  );
  const read = readDeployReport(fields.deploy);
  if (!read.ok) throw new AgentError(`host ${hostName()}: ${read.error}`);
  return read.report;
}
