import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { buildProgram } from '../../../cli';
import {
  CHAT_COMMAND_NAMES,
  chatCommandProblem,
  cliProblems,
  discordCommandProblem,
  shellCommandProblems,
} from './commandChecks';
import type { Located } from './markdownDocs';
import {
  anchorsOf,
  fencedBlocks,
  firstCells,
  inlineCodes,
  linkTargets,
  readDocs,
  REPO_ROOT,
  shellCommands,
  shellWords,
  where,
} from './markdownDocs';
import { classifyYaml, configSnippetProblems } from './yamlSnippets';

// Every example of README.md and docs/*.md is checked against the real thing: configuration snippets load with the
// config loader, command lines name real subcommands and flags, chat commands exist in the bot's command table, and
// relative links reach a file (and heading). Each problem is reported as file:line.

const docs = readDocs();
const blocks = docs.flatMap(fencedBlocks);
const inline = docs.flatMap(inlineCodes);
const program = buildProgram();
const SHELL = ['sh', 'bash', 'shell', 'console'];
/** Languages these checks read (`text` for usage lines and sample output; `ini` for systemd units' ExecStart). */
const KNOWN_LANGUAGES = ['yaml', 'yml', ...SHELL, 'text', 'ini'];

/** The simple commands of an inline code span, as shell words. */
const inlineCommands = (code: Located) => {
  const commands: string[][] = [[]];
  for (const w of shellWords(code.text)) {
    if (['&&', '||', ';', '|', '&'].includes(w)) commands.push([]);
    else commands[commands.length - 1]?.push(w);
  }
  return commands.filter((c) => c.length > 0);
};

describe('the docs (README.md and docs/*.md)', () => {
  it('README.md is a front page of at most 250 lines', () => {
    const readme = docs.find((d) => d.path === 'README.md');
    expect(readme?.text.trimEnd().split('\n').length).toBeLessThanOrEqual(250);
    expect(readme?.text).toContain('## The two commands');
  });

  it('every yaml block is a dockwatch configuration that loads, or a file of another tool known by its keys', () => {
    const problems: string[] = [];
    let configs = 0;
    for (const block of blocks.filter((b) => ['yaml', 'yml'].includes(b.lang))) {
      const kind = classifyYaml(block.content);
      if (kind.kind === 'neither') problems.push(`${where(block.doc, block.line)}: ${kind.why}`);
      if (kind.kind !== 'dockwatch') continue;
      configs++;
      for (const p of configSnippetProblems(block.content)) problems.push(`${where(block.doc, block.line)}: ${p}`);
    }
    expect(problems).toEqual([]);
    expect(configs).toBeGreaterThanOrEqual(8);
  });

  it('every block has a language these checks know, so none escapes them', () => {
    const unknown = blocks.filter((b) => !KNOWN_LANGUAGES.includes(b.lang));
    expect(unknown.map((b) => `${where(b.doc, b.line)}: \`\`\`${b.lang}`)).toEqual([]);
  });

  it('every command line of dockwatch, its scripts and npm names a real command, subcommand and flag', () => {
    const problems: string[] = [];
    let checked = 0;
    const check = (at: string, words: readonly string[]) => {
      const found = shellCommandProblems(program, words);
      if (found === undefined) return;
      checked++;
      problems.push(...found.map((p) => `${at}: ${p}`));
    };
    for (const block of blocks.filter((b) => SHELL.includes(b.lang))) {
      for (const c of shellCommands(block)) check(where(block.doc, c.line), c.words);
    }
    for (const code of inline) {
      for (const words of inlineCommands(code)) check(where(code.doc, code.line), words);
    }
    for (const block of blocks.filter((b) => b.lang === 'ini')) {
      block.content.split('\n').forEach((text, i) => {
        const command = /^ExecStart=(.*)$/.exec(text)?.[1];
        if (command !== undefined) check(where(block.doc, block.line + 1 + i), shellWords(command));
      });
    }
    for (const block of blocks.filter((b) => b.lang === 'text' && /^dockwatch /m.test(b.content))) {
      block.content.split('\n').forEach((text, i) => {
        const at = where(block.doc, block.line + 1 + i);
        const usage = /^dockwatch (.*?)(?: {2,}|$)/.exec(text)?.[1];
        if (usage !== undefined) {
          checked++;
          problems.push(...cliProblems(program, usage.split(/\s+/)).map((p) => `${at}: ${p}`));
        }
        const option = /^ {2}(?:-\w, )?(--[\w-]+)/.exec(text)?.[1];
        if (option !== undefined && !program.options.some((o) => o.long === option)) {
          problems.push(`${at}: dockwatch has no option ${option}`);
        }
      });
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(30);
  });

  it('every chat command shown (the command table, /dockwatch …, Discord’s /…, inline examples) exists', () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    const check = (at: string, text: string, problem: () => string | undefined) => {
      if (seen.has(`${at} ${text}`)) return;
      seen.add(`${at} ${text}`);
      const found = problem();
      if (found) problems.push(`${at}: ${found}`);
    };
    for (const doc of docs) {
      for (const cell of firstCells(doc, 'command')) {
        for (const [, code = ''] of cell.text.matchAll(/`([^`]+)`/g)) {
          check(where(doc, cell.line), code, () => chatCommandProblem(code.split(/\s+/)));
        }
      }
    }
    for (const code of inline) {
      const at = where(code.doc, code.line);
      const slack = /^\/dockwatch(?: (.*))?$/.exec(code.text);
      if (slack) check(at, code.text, () => chatCommandProblem(shellWords(slack[1] ?? 'help')));
      else if (CHAT_COMMAND_NAMES.includes(code.text.split(' ')[0] ?? '') && code.text.includes(' ')) {
        check(at, code.text, () => chatCommandProblem(shellWords(code.text), true));
      }
    }
    const chat = docs.find((d) => d.path === 'docs/chat.md');
    if (!chat) throw new Error('docs/chat.md is missing');
    const [from, to] = sectionLines(chat.lines, '## Discord');
    for (const code of inline.filter((c) => c.doc === chat && c.line > from && c.line < to)) {
      if (/^\/[a-z]+(?: [a-z]+:\S+)*$/.test(code.text)) {
        check(where(code.doc, code.line), code.text, () => discordCommandProblem(code.text));
      }
    }
    expect(problems).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(40);
  });

  it('every relative link points at an existing file, and a #anchor at a heading of it', () => {
    const problems: string[] = [];
    const links = docs.flatMap(linkTargets).filter((l) => !/^[a-z]+:/.test(l.text));
    for (const link of links) {
      const [path = '', anchor] = link.text.split('#');
      const target =
        path === '' ? join(REPO_ROOT, link.doc.path) : normalize(join(REPO_ROOT, dirname(link.doc.path), path));
      if (!existsSync(target)) {
        problems.push(`${where(link.doc, link.line)}: ${link.text}: no such file`);
      } else if (anchor !== undefined) {
        const anchors = statSync(target).isFile() ? anchorsOf(readFileSync(target, 'utf8')) : new Set<string>();
        if (!anchors.has(anchor)) problems.push(`${where(link.doc, link.line)}: ${link.text}: no heading #${anchor}`);
      }
    }
    expect(problems).toEqual([]);
    expect(links.length).toBeGreaterThanOrEqual(20);
  });
});

/** The lines (1-based, exclusive) between a heading and the next heading of the same or a higher level. */
function sectionLines(lines: readonly string[], heading: string): [number, number] {
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`no heading "${heading}"`);
  const level = heading.indexOf(' ');
  const next = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.indexOf(' ') <= level);
  return [start + 1, next === -1 ? lines.length + 1 : next + 1];
}
