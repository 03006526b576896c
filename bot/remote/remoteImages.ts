import { DISK_USAGE_TYPES, type DiskUsageReport, type ImageUsage } from '../../agent/images/diskUsage';
import { AgentError } from '../agentClient';
import { arrayField, objectOf } from './remoteViews';

/** `GET /api/v1/images`, checked: an images list and the four totals with numbers; an AgentError otherwise. */
export function diskUsageReportOf(body: unknown, host: string): DiskUsageReport {
  const fields = objectOf(body, host);
  const images = arrayField<ImageUsage>(body, 'images', host);
  const totals = objectOf(fields.totals, host);
  for (const type of DISK_USAGE_TYPES) {
    const total = objectOf(totals[type], host);
    const numbers = ['count', 'active', 'sizeBytes', 'reclaimableBytes'].every((k) => typeof total[k] === 'number');
    if (!numbers) throw new AgentError(`host ${host} answered malformed disk usage totals (${type})`);
  }
  for (const i of images) {
    if (typeof i !== 'object' || i === null || typeof i.id !== 'string' || !Array.isArray(i.tags)) {
      throw new AgentError(`host ${host} answered a malformed image entry`);
    }
  }
  return {
    takenAt: typeof fields.takenAt === 'number' ? fields.takenAt : Date.now(),
    images,
    totals: totals as DiskUsageReport['totals'],
  };
}
