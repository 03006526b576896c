import { AgentError, type DeployActionOptions } from '../agentClient';
import { readDeployReport, type DeployReport } from '../deployReport';
import type { AgentHttp } from './agentHttp';
import { objectOf } from './remoteViews';

/**
 * Posts a deploy to an agent and reads its NDJSON answer (agent/controlApiContainers.ts): progress lines, then the
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
  let outcome: { report: DeployReport } | { error: string } | undefined;
  await http.lines({ method: 'POST', path, body, signal: options.signal }, (line) => {
    const fields = objectOf(line, hostName());
    if (typeof fields.progress === 'string') options.onProgress?.(fields.progress);
    else if ('deploy' in fields) {
      const read = readDeployReport(fields.deploy);
      outcome = read.ok ? { report: read.report } : { error: `host ${hostName()}: ${read.error}` };
    } else if (typeof fields.error === 'string') {
      outcome = { error: fields.kind === 'agent' ? fields.error : `host ${hostName()}: ${fields.error}` };
    }
  });
  if (outcome === undefined) {
    throw new AgentError(
      `host ${hostName()} ended the deploy without a result; check the container's state before retrying`,
    );
  }
  if ('error' in outcome) throw new AgentError(outcome.error);
  return outcome.report;
}
