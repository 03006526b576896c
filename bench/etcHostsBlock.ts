import { readFileSync, writeFileSync } from 'node:fs';

/** The marker lines around the block, so exactly that block (also one left by an interrupted run) is taken out. */
function markers(tag: string): { begin: string; end: string } {
  return { begin: `# ${tag} begin (added by a dockwatch bench; safe to delete)`, end: `# ${tag} end` };
}

/**
 * One name with several A records in /etc/hosts, for DNS discovery through the system resolver (`dns.lookup`, which
 * reads /etc/hosts; `dns.resolve4` asks DNS servers only and would not see it). The block is written between two
 * marker lines and removed by them, leaving the rest of the file as it is now; the file is rewritten in place (same
 * inode), so a bind-mounted /etc/hosts works too.
 */
export class EtcHostsBlock {
  private added = false;

  constructor(
    private readonly tag: string,
    private readonly file = '/etc/hosts',
  ) {}

  /** Adds one `address name` line per address (after removing a stale block of the same tag). */
  add(name: string, addresses: readonly string[]): void {
    const { begin, end } = markers(this.tag);
    const kept = this.without(readFileSync(this.file, 'utf8'));
    const block = [begin, ...addresses.map((a) => `${a} ${name}`), end].join('\n');
    writeFileSync(this.file, `${kept}${kept === '' || kept.endsWith('\n') ? '' : '\n'}${block}\n`);
    this.added = true;
  }

  /** Takes the block out again; synchronous so it also runs from a signal handler. A no-op when nothing was added. */
  remove(): void {
    if (!this.added) return;
    const text = readFileSync(this.file, 'utf8');
    const kept = this.without(text);
    if (kept !== text) writeFileSync(this.file, kept);
    this.added = false;
  }

  /** Removes a block of this tag left over by an interrupted run, if any. */
  removeStale(): void {
    this.added = true;
    this.remove();
  }

  private without(text: string): string {
    const { begin, end } = markers(this.tag);
    const out: string[] = [];
    let inside = false;
    for (const line of text.split('\n')) {
      if (line === begin) inside = true;
      else if (line === end) inside = false;
      else if (!inside) out.push(line);
    }
    return out.join('\n');
  }
}
