import type { Revision } from '../agentClient';
import { targetOf, type BotCommand } from '../core/command';
import type { Reply } from '../core/reply';
import { formatTime } from '../core/humanUnits';

/**
 * What changed from the revision before, image changes told apart from config-only ones: `new image` (plus the
 * config keys that changed with it), `config: Networks.b, Config.Env`, or `-` for the oldest one listed.
 */
export function describeChanges(changes: readonly string[], oldest: boolean): string {
  if (changes.length === 0) return oldest ? '-' : 'none';
  const config = changes.filter((c) => c !== 'Image');
  if (config.length === changes.length) return `config: ${config.join(', ')}`;
  return config.length ? `new image, ${config.join(', ')}` : 'new image';
}

/** `history <container>`: the recorded revisions of a container's name, newest first. */
export const historyCommand: BotCommand = {
  name: 'history',
  summary: "a container's recorded revisions, also of a removed one (what rollback can return to)",
  usage: 'history <container>',
  args: [{ name: 'container', required: true }],
  containerArg: 'container',
  removedRevision: (_command, removed) => {
    const newest = removed.revisions[0];
    return newest ? { revision: newest.revision } : { error: `${removed.name} has no kept revisions` };
  },
  flags: {},
  async run(ctx) {
    if (ctx.removed) {
      const { name, agent } = ctx.removed;
      const revisions = await agent.removedHistory(name, ctx.signal);
      return revisionsReply(`Revisions of ${name} (removed: no container carries the name)`, revisions);
    }
    const { container, agent } = targetOf(ctx);
    return revisionsReply(`Revisions of ${container.name}`, await agent.history(container.id, ctx.signal));
  },
};

/** The revisions table, newest first. */
function revisionsReply(title: string, revisions: readonly Revision[]): Reply {
  if (revisions.length === 0) return { status: 'ok', title, text: 'No revisions recorded.' };
  const rows = revisions.map((r, i) => [
    `${r.revision}${r.current ? ' (current)' : ''}`,
    formatTime(r.recordedAt),
    `${r.imageRef} (${r.imageId.replace(/^sha256:/, '').slice(0, 12)})`,
    describeChanges(r.changes, i === revisions.length - 1) + (r.note ? ` (${r.note})` : ''),
    r.lastRun ?? '-',
  ]);
  const columns = ['REVISION', 'RECORDED', 'IMAGE', 'CHANGES', 'LAST RUN'];
  return { status: 'ok', title, table: { columns, rows } };
}
