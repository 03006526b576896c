import { targetOf, type BotCommand } from '../core/command';
import { formatTime } from '../core/humanUnits';

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
    const rows = revisions.map((r) => [
      `${r.revision}${r.current ? ' (current)' : ''}`,
      formatTime(r.recordedAt),
      `${r.imageRef} (${r.imageId.replace(/^sha256:/, '').slice(0, 12)})`,
      r.changes.length ? r.changes.join(', ') : '-',
    ]);
    return { status: 'ok', title, table: { columns: ['REVISION', 'RECORDED', 'IMAGE', 'CHANGES'], rows } };
  },
};
