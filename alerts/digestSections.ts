import type { DigestSection, Severity } from './alert';
import type { DigestSnapshot } from './digest';

/** Rows per section; the title says how many there were in all. */
export const DIGEST_TOP = 10;

const SEVERITIES_DOWN: Severity[] = ['critical', 'warning', 'info'];

type Row = { name: string; count: number; value: string };

/**
 * A period's counts as digest sections: a summary of totals first, then restarts, OOM kills, non-zero exits and
 * matching log lines per container, the noisiest rules, alerts fired and resolved, each sorted by count (then name)
 * and cut to the top {@link DIGEST_TOP}; empty sections are left out.
 */
export function digestSections(p: DigestSnapshot): DigestSection[] {
  const exits = Object.entries(p.exits).map(([name, codes]) => {
    const count = sum(codes);
    const detail = sorted(Object.entries(codes).map(([code, n]) => ({ name: code, count: n, value: '' })))
      .map((c) => `exit ${c.name} ×${c.count}`)
      .join(', ');
    return { name, count, value: `${count} (${detail})` };
  });
  const logLines = Object.entries(p.logLines).map(([name, bySeverity]) => {
    const count = sum(bySeverity);
    const detail = SEVERITIES_DOWN.filter((s) => bySeverity[s]).map((s) => `${s} ${bySeverity[s]}`);
    return { name, count, value: `${count} (${detail.join(', ')})` };
  });
  const parts: [string, Row[]][] = [
    ['Restarts', plain(p.restarts)],
    ['OOM kills', plain(p.ooms)],
    ['Non-zero exits', exits],
    ['Log lines matching rules, per container', logLines],
    ['Noisiest rules (matching lines)', plain(p.ruleMatches)],
    ['Alerts fired', plain(p.fired)],
    ['Alerts resolved', plain(p.resolved)],
  ];
  const summary: DigestSection = {
    title: 'Summary',
    rows: parts
      .filter(([title]) => !title.startsWith('Noisiest'))
      .map(([title, rows]) => ({ name: title.replace(/, per container$/, ''), value: String(total(rows)) })),
  };
  return [summary, ...parts.filter(([, rows]) => rows.length > 0).map(([title, rows]) => section(title, rows))];
}

function section(title: string, rows: Row[]): DigestSection {
  const top = sorted(rows).slice(0, DIGEST_TOP);
  const heading = rows.length > DIGEST_TOP ? `${title}: top ${DIGEST_TOP} of ${rows.length}` : title;
  return { title: heading, rows: top.map((r) => ({ name: r.name, value: r.value })) };
}

function plain(counts: Record<string, number>): Row[] {
  return Object.entries(counts).map(([name, count]) => ({ name, count, value: String(count) }));
}

function sorted(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function sum(counts: Partial<Record<string, number>>): number {
  return Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);
}

function total(rows: Row[]): number {
  return rows.reduce((a, r) => a + r.count, 0);
}
