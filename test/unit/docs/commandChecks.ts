import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { COMMANDS } from '../../../bot/commands/commandTable';
import { parseCommand } from '../../../bot/core/commandParser';
import { REPO_ROOT } from './markdownDocs';

/** The names of the bot's commands, from its command table. */
export const CHAT_COMMAND_NAMES: readonly string[] = COMMANDS.map((c) => c.name);

/** Whether a word is part of a usage line rather than a real argument: `<container>`, `[--all]`, `FILE`, `|`, `…`. */
function isPlaceholder(word: string): boolean {
  return /[<>[\]]|\.\.\.|…/.test(word) || /^[A-Z][A-Z_]*$/.test(word) || word === '|';
}

/** Whether the words are a usage line (some word is a placeholder) rather than a command one could type. */
export function isUsage(words: readonly string[]): boolean {
  return words.some(isPlaceholder);
}

/** A usage word without its optional-brackets: `[--all]` → `--all`, `[run]` → `run`. */
function unbracket(word: string): string {
  return word.replace(/^\[+/, '').replace(/\]+$/, '');
}

/**
 * What is wrong with a chat command as documented: one to type (`ps --all`) must parse; a usage line
 * (`logs <container> [--tail N]`) and, with `fragment`, a phrase of prose that leaves words out (`rm --force`)
 * must name a command and its flags.
 */
export function chatCommandProblem(words: readonly string[], fragment = false): string | undefined {
  if (!isUsage(words)) {
    const parsed = parseCommand(words, COMMANDS);
    if (parsed.ok) return undefined;
    if (!(fragment && / needs /.test(parsed.error))) return `chat command "${words.join(' ')}": ${parsed.error}`;
  }
  const [name = '', ...rest] = words.map(unbracket);
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) return `chat command "${words.join(' ')}": no command "${name}" in the bot's command table`;
  const end = rest.indexOf('--');
  const flags = (end === -1 ? rest : rest.slice(0, end)).filter((w) => w.startsWith('--'));
  const unknown = flags.map((f) => f.slice(2).split('=')[0] ?? '').filter((f) => !(f in spec.flags));
  if (unknown.length > 0) return `chat command "${words.join(' ')}": ${name} has no flag --${unknown.join(', --')}`;
  return undefined;
}

/** What is wrong with a Discord slash command as documented: `/logs container:web follow:5m`. */
export function discordCommandProblem(text: string): string | undefined {
  const [slash = '', ...options] = text.split(/\s+/);
  const spec = COMMANDS.find((c) => `/${c.name}` === slash);
  if (!spec) return `Discord command "${text}": no command "${slash.slice(1)}" in the bot's command table`;
  const known = new Set([...spec.args.map((a) => a.name), ...Object.keys(spec.flags)]);
  const unknown = options.map((o) => o.split(':')[0] ?? '').filter((o) => !known.has(o));
  return unknown.length > 0 ? `Discord command "${text}": ${spec.name} has no option ${unknown.join(', ')}` : undefined;
}

/** The option of `cmd` or one of its parents that `word` (`--name`, `--name=value`, `-c`) names. */
function findOption(cmd: Command, word: string): Option | undefined {
  const flag = word.split('=')[0];
  for (let c: Command | null = cmd; c; c = c.parent) {
    const found = c.options.find((o) => o.long === flag || o.short === flag);
    if (found) return found;
  }
  return undefined;
}

/** Problems of `dockwatch ARGS` against the real command line: subcommands, options, choices, ctl's chat command. */
export function cliProblems(program: Command, args: readonly string[]): string[] {
  const usage = isUsage(args);
  const words = args.map(unbracket).filter((w) => w !== '' && w !== '|');
  const shown = `dockwatch ${args.join(' ')}`;
  const problems: string[] = [];
  const positional: string[] = [];
  let cmd = program;
  let named = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (cmd.name() === 'ctl' && word === '--') {
      positional.push(...words.slice(i));
      break;
    }
    if (word.startsWith('-') && word !== '-') {
      const option = findOption(cmd, word);
      if (word === '--help' || word === '-h') continue;
      if (!option) {
        if (cmd.name() === 'ctl') positional.push(word);
        else problems.push(`${shown}: no option ${word} for ${cmd === program ? 'dockwatch' : cmd.name()}`);
        continue;
      }
      if (!(option.required || option.optional) || word.includes('=')) continue;
      const value = words[++i] ?? '';
      const choices = option.argChoices;
      if (choices && !isPlaceholder(value) && !choices.includes(value)) {
        problems.push(`${shown}: ${option.long ?? word} takes ${choices.join(' | ')}, not "${value}"`);
      }
    } else if (positional.length === 0 && cmd.commands.length > 0) {
      const sub = cmd.commands.find((c) => c.name() === word);
      if (sub) {
        cmd = sub;
        named++;
      } else {
        if (!isPlaceholder(word)) problems.push(`${shown}: no subcommand "${word}"`);
        positional.push(word);
      }
    } else {
      positional.push(word);
    }
  }
  const mention = words.length === named;
  for (const option of usage || mention ? [] : cmd.options.filter((o) => o.mandatory)) {
    if (!words.some((w) => w === option.long || w.startsWith(`${option.long ?? ''}=`))) {
      problems.push(`${shown}: ${cmd.name()} needs ${option.flags}`);
    }
  }
  if (cmd.name() === 'ctl' && !mention) {
    if (positional.length === 0) problems.push(`${shown}: ctl without a chat command`);
    else if (!(usage && isPlaceholder(positional[0] ?? ''))) {
      const problem = chatCommandProblem(positional);
      if (problem) problems.push(`${shown}: ${problem}`);
    }
  }
  return problems;
}

const PACKAGE_SCRIPTS = Object.keys(
  (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
);

/**
 * Problems of one simple shell command of the docs that starts dockwatch or a tool of this repository: `dockwatch`,
 * `node … dist/cli.js`, `bash scripts/start.sh` (which runs `dist/cli.js run` with its arguments), the image of a
 * `docker run`, `bash scripts/*.sh`, `npm run NAME`, `node dist/<file>.js`. Anything else is not checked.
 * Returns undefined when the command is none of those.
 */
export function shellCommandProblems(program: Command, words: readonly string[]): string[] | undefined {
  const [first, second] = words;
  if (first === 'dockwatch') return cliProblems(program, words.slice(1));
  if (first === 'docker' && second === 'run') {
    const image = words.reduce((last, w, i) => (w === 'dockwatch' && words[i - 1] !== '--name' ? i : last), -1);
    return image === -1 ? undefined : cliProblems(program, words.slice(image + 1));
  }
  if (first === 'npm' && second === 'run') {
    const script = words[2] ?? '';
    return PACKAGE_SCRIPTS.includes(script) ? [] : [`npm run ${script}: no such script in package.json`];
  }
  if (first === 'bash' && second?.startsWith('scripts/')) {
    if (!existsSync(join(REPO_ROOT, second))) return [`bash ${second}: no such file`];
    return second === 'scripts/start.sh' ? cliProblems(program, ['run', ...words.slice(2)]) : [];
  }
  if (first === 'node' || first?.endsWith('/node')) {
    const script = words.findIndex((w, i) => i > 0 && !w.startsWith('-'));
    const file = /^(?:\S*\/)?dist\/(.+)\.js$/.exec(words[script] ?? '')?.[1];
    if (file === undefined) return undefined;
    if (!existsSync(join(REPO_ROOT, `${file}.ts`))) return [`node ${words[script]}: no ${file}.ts in the repository`];
    return file === 'cli' ? cliProblems(program, words.slice(script + 1)) : [];
  }
  return undefined;
}
