import { targetOf, type BotCommand } from '../core/command';
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
  summary: "a container's recorded revisions (what rollback can return to)",
  usage: 'history <container>',
  args: [{ name: 'container', required: true }],
  containerArg: 'container',
  flags: {},
  async run(ctx) {
    const { container, agent } = targetOf(ctx);
    const revisions = await agent.history(container.id, ctx.signal);
    const title = `Revisions of ${container.name}`;
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
  },
};
