import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository root, where README.md and docs/ live. */
export const REPO_ROOT = join(__dirname, '../../..');

/** One markdown file of the documentation: its path from the repository root and its lines. */
export type MarkdownDoc = { path: string; text: string; lines: string[] };

/** A fenced code block: its language tag, the line of its opening fence (1-based) and its dedented content. */
export type FencedBlock = { doc: MarkdownDoc; lang: string; line: number; content: string };

/** A piece of a document found at a line (1-based): an inline code span, a link target, a table cell. */
export type Located = { doc: MarkdownDoc; line: number; text: string };

/** README.md and every docs/*.md, the pages the docs test checks. */
export function readDocs(): MarkdownDoc[] {
  const docsDir = join(REPO_ROOT, 'docs');
  const paths = [
    join(REPO_ROOT, 'README.md'),
    ...readdirSync(docsDir)
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => join(docsDir, f)),
  ];
  return paths.map((p) => {
    const text = readFileSync(p, 'utf8');
    return { path: relative(REPO_ROOT, p), text, lines: text.split('\n') };
  });
}

/** "file:line", how every problem the docs test reports is located. */
export function where(doc: MarkdownDoc, line: number): string {
  return `${doc.path}:${line}`;
}

const FENCE = /^(\s*)```(\S*)\s*$/;

/** Every fenced code block of a document, content dedented by its fence's indentation (list items indent them). */
export function fencedBlocks(doc: MarkdownDoc): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: { lang: string; line: number; indent: number; body: string[] } | undefined;
  doc.lines.forEach((text, i) => {
    const fence = FENCE.exec(text);
    if (!open) {
      if (fence) open = { lang: fence[2] ?? '', line: i + 1, indent: (fence[1] ?? '').length, body: [] };
      return;
    }
    if (fence) {
      blocks.push({ doc, lang: open.lang, line: open.line, content: open.body.join('\n') });
      open = undefined;
      return;
    }
    open.body.push(text.slice(Math.min(open.indent, text.length - text.trimStart().length)));
  });
  if (open) throw new Error(`${where(doc, open.line)}: a code fence is never closed`);
  return blocks;
}

/** The document with every fenced block's lines blanked, so prose scans keep their line numbers. */
export function proseOnly(doc: MarkdownDoc): string {
  let inFence = false;
  return doc.lines
    .map((text) => {
      const fence = FENCE.test(text);
      if (fence) inFence = !inFence;
      return fence || inFence ? '' : text;
    })
    .join('\n');
}

/** The 1-based line of a character offset in a text. */
function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Every inline code span of the prose (one may wrap across lines, never across a blank line), whitespace joined. */
export function inlineCodes(doc: MarkdownDoc): Located[] {
  const prose = proseOnly(doc);
  return [...prose.matchAll(/`([^`\n]+(?:\n[^`\n]+)*)`/g)].map((m) => ({
    doc,
    line: lineAt(prose, m.index),
    text: (m[1] ?? '').replace(/\s*\n\s*/g, ' '),
  }));
}

/** Every markdown link target of the prose (`[text](target)`), outside inline code. */
export function linkTargets(doc: MarkdownDoc): Located[] {
  const prose = proseOnly(doc).replace(/`[^`\n]*`/g, (code) => ' '.repeat(code.length));
  return [...prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => ({
    doc,
    line: lineAt(prose, m.index),
    text: m[1] ?? '',
  }));
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a document's headings (outside code blocks). */
export function anchorsOf(text: string): Set<string> {
  const doc = { path: '', text, lines: text.split('\n') };
  const headings = proseOnly(doc)
    .split('\n')
    .map((l) => /^#{1,6}\s+(.*)$/.exec(l)?.[1])
    .filter((h): h is string => h !== undefined);
  return new Set(headings.map(headingAnchor));
}

/** The first cell of every body row of each table whose header's first cell is `header`. */
export function firstCells(doc: MarkdownDoc, header: string): Located[] {
  const cells: Located[] = [];
  let table: 'none' | 'wanted' | 'other' = 'none';
  doc.lines.forEach((text, i) => {
    if (!text.startsWith('|')) {
      table = 'none';
      return;
    }
    const first = (text.split('|')[1] ?? '').trim();
    if (table === 'none') table = first === header ? 'wanted' : 'other';
    else if (table === 'wanted' && !/^:?-+:?$/.test(first)) cells.push({ doc, line: i + 1, text: first });
  });
  return cells;
}

/** Splits a shell command line into words as sh would (quotes, backslashes; nothing expanded), operators apart. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const push = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      word = (word ?? '') + line.slice(i + 1, end === -1 ? undefined : end);
      i = end === -1 ? line.length : end;
    } else if (c === '\\') {
      word = (word ?? '') + line.charAt(++i);
    } else if (/\s/.test(c)) {
      push();
    } else if (c === '#' && word === undefined) {
      break;
    } else if (c === ';' || c === '|' || c === '&') {
      push();
      const op = line.slice(i, i + 2) === c + c ? c + c : c;
      words.push(op);
      i += op.length - 1;
    } else {
      word = (word ?? '') + c;
    }
  }
  push();
  return words;
}

/** The simple commands of a shell block: continuation lines joined, split at `&&`, `||`, `;`, `|` and `&`. */
export function shellCommands(block: FencedBlock): { line: number; words: string[] }[] {
  const commands: { line: number; words: string[] }[] = [];
  const lines = block.content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i] ?? '';
    while (text.endsWith('\\') && i + 1 < lines.length) text = text.slice(0, -1) + ' ' + (lines[++i] ?? '');
    let words: string[] = [];
    for (const w of [...shellWords(text), ';']) {
      if (['&&', '||', ';', '|', '&'].includes(w)) {
        if (words.length > 0) commands.push({ line: block.line + 1 + start, words });
        words = [];
      } else words.push(w);
    }
  }
  return commands;
}
