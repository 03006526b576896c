import { describeDiagnosis } from '../../agent/actions/failureDiagnosis';
import type { Reply } from '../core/reply';
import type { DeployReport } from '../deployReport';

/**
 * The reply of a deploy whose new container did not come up (pure): the agent's words, then the exit code and
 * health output, then the last log lines only when `mayReadLogs` (the user's roles allow `logs` on the container);
 * otherwise a note that they are left out and why.
 */
export function deployFailedReply(report: DeployReport, container: string, mayReadLogs: boolean): Reply {
  const d = report.diagnosis;
  const withheld = !mayReadLogs && d !== undefined && d.logs.length > 0;
  const shown = d && (withheld ? { ...d, logs: [] } : d);
  const why = shown ? describeDiagnosis(shown) : '';
  const note = withheld
    ? `The failed container's last log lines are left out: your roles do not allow logs on ${container}.`
    : '';
  const text = [report.message, why, note].filter((part) => part !== '').join('\n');
  return { status: 'failed', title: 'Failed', text };
}
