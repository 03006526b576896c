/**
 * Where given byte strings occur in a buffer of log frames, found once per buffer (one indexOf sweep per needle), so
 * that each line of it can be asked in turn whether one lies inside it without making the line's text. Lines must be
 * asked in ascending order within a buffer, and a buffer must not change while it is asked about.
 */
export class LiteralHits {
  private readonly needles: Buffer[];
  private buf: Buffer | undefined;
  private starts: number[] = [];
  private ends: number[] = [];
  private at = 0;

  constructor(literals: readonly string[]) {
    this.needles = literals.map((l) => Buffer.from(l, 'utf8'));
  }

  /** Whether one of the literals lies wholly within `buf[start, end)`. */
  within(buf: Buffer, start: number, end: number): boolean {
    if (buf !== this.buf) this.scan(buf);
    const starts = this.starts;
    while (this.at < starts.length && (starts[this.at] as number) < start) this.at++;
    for (let i = this.at; i < starts.length && (starts[i] as number) < end; i++)
      if ((this.ends[i] as number) <= end) return true;
    return false;
  }

  private scan(buf: Buffer): void {
    const hits: { start: number; end: number }[] = [];
    for (const needle of this.needles) {
      for (let i = buf.indexOf(needle); i !== -1; i = buf.indexOf(needle, i + 1))
        hits.push({ start: i, end: i + needle.length });
    }
    if (this.needles.length > 1) hits.sort((a, b) => a.start - b.start || a.end - b.end);
    this.buf = buf;
    this.starts = hits.map((h) => h.start);
    this.ends = hits.map((h) => h.end);
    this.at = 0;
  }
}
