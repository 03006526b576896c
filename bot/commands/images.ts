import {
  DISK_USAGE_TYPES,
  imageRefs,
  isKeepTag,
  reclaimablePercent,
  refMatches,
  type DiskUsageReport,
  type DiskUsageType,
  type ImageUsage,
} from '../../agent/images/diskUsage';
import type { BotCommand } from '../core/command';
import { shown } from '../core/commandParser';
import { alignedTable } from '../core/alignedTable';
import { answered, noneAnswered, unansweredNote } from '../core/hostScope';
import { formatAgo, formatBytes } from '../core/humanUnits';
import { compareNatural } from '../core/naturalOrder';

/** How `docker system df` names each kind of disk use. */
const TYPE_NAMES: Record<DiskUsageType, string> = {
  images: 'Images',
  containers: 'Containers',
  volumes: 'Local Volumes',
  build_cache: 'Build Cache',
};

/** What one host answered: its report and the container names the user may see there. */
type HostImages = { host: string; report: DiskUsageReport; visible: ReadonlySet<string> };

/**
 * `images [filter] [--dangling] [--host H]`: every image by `repository:tag` (a filter word is a glob, or a substring
 * without `*?[`), with size, shared and unique size, the containers using it and keep tags marked, then the disk use
 * totals as `docker system df` shows them. Container names the user may not see are only counted.
 */
export const imagesCommand: BotCommand = {
  name: 'images',
  summary: 'images with sizes and the containers using them, and disk use (like docker system df)',
  usage: 'images [filter] [--dangling]',
  args: [{ name: 'filter', required: false }],
  flags: { dangling: { kind: 'boolean' } },
  async run(ctx) {
    const filter = ctx.command.args.filter;
    const dangling = ctx.command.flags.dangling === true;
    const results = await ctx.across(async (agent, host): Promise<HostImages> => {
      const [report, records] = await Promise.all([
        agent.images({ ...(filter === undefined ? {} : { filter }), dangling, signal: ctx.signal }),
        agent.containers(),
      ]);
      const visible = new Set(records.filter((r) => ctx.may('images', r)).map((r) => r.name));
      return { host, report, visible };
    });
    const title = ctx.hosts.length === 1 ? `Images on ${ctx.hosts[0]}` : `Images on ${ctx.hosts.length} hosts`;
    const missing = unansweredNote(results);
    if (noneAnswered(results)) return { status: 'failed', title, text: missing };
    const hosts = answered(results).map((r) => r.value);
    const now = ctx.now();
    const rows = hosts
      .flatMap((h) => h.report.images.flatMap((image) => refsShown(image, filter).map((ref) => ({ h, image, ref }))))
      .sort(
        (a, b) =>
          b.image.created - a.image.created || compareNatural(a.ref, b.ref) || compareNatural(a.h.host, b.h.host),
      )
      .map(({ h, image, ref }) => [
        ...(ctx.manyHosts ? [h.host] : []),
        isKeepTag(ref) ? `${ref} (keep)` : ref,
        image.id.replace(/^sha256:/, '').slice(0, 12),
        formatAgo(image.created * 1000, now),
        formatBytes(image.sizeBytes),
        image.sharedBytes === undefined ? 'N/A' : formatBytes(image.sharedBytes),
        image.uniqueBytes === undefined ? 'N/A' : formatBytes(image.uniqueBytes),
        usedBy(image, h.visible),
      ]);
    const count = new Set(hosts.flatMap((h) => h.report.images.map((i) => `${h.host} ${i.id}`))).size;
    const what = `${dangling ? 'dangling ' : ''}image${count === 1 ? '' : 's'}${filter ? ` matching ${shown(filter)}` : ''}`;
    const summary = count ? `${count} ${what}.` : `No ${what}.`;
    const text = missing ? `${summary} Not answering: ${missing}` : summary;
    const columns = [
      ...(ctx.manyHosts ? ['HOST'] : []),
      'IMAGE',
      'ID',
      'CREATED',
      'SIZE',
      'SHARED',
      'UNIQUE',
      'USED BY',
    ];
    return {
      status: 'ok',
      title,
      text,
      ...(rows.length ? { table: { columns, rows } } : {}),
      code: { text: totalsTable(hosts, ctx.manyHosts) },
    };
  },
};

/** The names an image is listed under that the filter keeps (all of them without a filter). */
function refsShown(image: ImageUsage, filter: string | undefined): string[] {
  const refs = imageRefs(image);
  return filter === undefined ? refs : refs.filter((r) => refMatches(filter, r));
}

/** The containers using an image: the names the user may see, the others counted. */
function usedBy(image: ImageUsage, visible: ReadonlySet<string>): string {
  if (image.containers === 0) return '-';
  const names = image.containerNames.filter((n) => visible.has(n));
  const others = image.containers - names.length;
  const more = others > 0 ? `${others} other${others === 1 ? '' : 's'}` : '';
  return names.length ? `${names.join(', ')}${more ? ` +${more}` : ''}` : more;
}

/** The `docker system df` table of every host that answered. */
function totalsTable(hosts: readonly HostImages[], manyHosts: boolean): string {
  const rows = hosts.flatMap((h) =>
    DISK_USAGE_TYPES.map((type) => {
      const t = h.report.totals[type];
      return [
        ...(manyHosts ? [h.host] : []),
        TYPE_NAMES[type],
        String(t.count),
        String(t.active),
        formatBytes(t.sizeBytes),
        `${formatBytes(t.reclaimableBytes)}${t.sizeBytes > 0 ? ` (${reclaimablePercent(t)}%)` : ''}`,
      ];
    }),
  );
  const columns = [...(manyHosts ? ['HOST'] : []), 'TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'];
  return alignedTable({ columns, rows });
}
