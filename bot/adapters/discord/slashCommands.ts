import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import type {
  APIApplicationCommandBasicOption,
  CommandInteractionOption,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { CompletionKind } from '../../core/commandCore';
import type { CommandSpec, FlagSpec } from '../../core/commandSpec';
import { quoteWords } from '../../../shared/tokenize';

/** A slash command definition as registered with Discord. */
export type SlashCommandDefinition = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** The option that names a host (commands gain `--host` for many agents); autocompleted with host names. */
export const HOST_OPTION = 'host';

const MAX_OPTIONS = 25;
const MAX_DESCRIPTION = 100;
const OPTION_NAME = /^[-_\p{Ll}\p{N}]{1,32}$/u;

/**
 * One slash command per bot command (`/ps`, `/logs`, …): positional words as string options (required as in the
 * spec, in order), then flags as options of their kind (boolean, integer with min/max, string for durations, regexes
 * and text). The container word and `host` are autocompleted; chosen values are only suggestions, the core checks
 * them when the command runs.
 */
export function slashCommandDefinitions(specs: readonly CommandSpec[]): SlashCommandDefinition[] {
  return specs.map((spec) => {
    const options: APIApplicationCommandBasicOption[] = [];
    const seen = new Set<string>();
    const add = (option: APIApplicationCommandBasicOption) => {
      if (seen.has(option.name) || !OPTION_NAME.test(option.name) || options.length >= MAX_OPTIONS) return;
      seen.add(option.name);
      options.push(option);
    };
    for (const arg of spec.args) {
      const completes = arg.name === spec.containerArg || arg.name === HOST_OPTION;
      add({
        type: ApplicationCommandOptionType.String,
        name: arg.name,
        description: describe(argDescription(spec, arg.name)),
        required: arg.required,
        ...(completes ? { autocomplete: true } : {}),
      });
    }
    if (spec.rest) {
      const description = `${spec.rest.name} and its arguments, quoted as in a command line (no shell)`;
      add({
        type: ApplicationCommandOptionType.String,
        name: spec.rest.name,
        description,
        required: spec.rest.required,
      });
    }
    for (const [name, flag] of Object.entries(spec.flags)) add(flagOption(name, flag));
    return {
      type: ApplicationCommandType.ChatInput,
      name: spec.name,
      description: describe(spec.summary),
      options,
    };
  });
}

/** Which kind of value a focused option completes, if it completes at all. */
export function completionKind(spec: CommandSpec, optionName: string): CompletionKind | undefined {
  if (optionName === HOST_OPTION) return 'host';
  if (optionName === spec.containerArg) return 'container';
  return undefined;
}

/**
 * The words of a slash command for the core: `[name, ...positionals in spec order, '--flag', value, ...]`; a false
 * boolean is left out. When a positional starts with `-` the flags come first and `--` ends them, so a value can
 * never be read as a flag. A command with `rest` (exec) becomes one text: its words quoted, then `--` and the rest
 * option as typed, which the core tokenizes with the same rules as any command line (a bad quote is its error).
 */
export function commandWords(spec: CommandSpec, options: readonly CommandInteractionOption[]): string[] | string {
  const byName = new Map(options.map((o) => [o.name, o.value]));
  const positionals: string[] = [];
  for (const arg of spec.args) {
    const value = byName.get(arg.name);
    if (value === undefined || value === null) continue;
    positionals.push(String(value));
  }
  const flags: string[] = [];
  for (const [name, flag] of Object.entries(spec.flags)) {
    if (spec.args.some((a) => a.name === name)) continue;
    const value = byName.get(name);
    if (value === undefined || value === null || value === false) continue;
    if (flag.kind === 'boolean') flags.push(`--${name}`);
    else flags.push(`--${name}`, String(value));
  }
  if (spec.rest) {
    const rest = byName.get(spec.rest.name);
    const head = quoteWords([spec.name, ...flags, ...positionals]);
    return rest === undefined || rest === null ? head : `${head} -- ${String(rest)}`;
  }
  if (positionals.some((p) => p.startsWith('-'))) return [spec.name, ...flags, '--', ...positionals];
  return [spec.name, ...positionals, ...flags];
}

function flagOption(name: string, flag: FlagSpec): APIApplicationCommandBasicOption {
  switch (flag.kind) {
    case 'boolean':
      return { type: ApplicationCommandOptionType.Boolean, name, description: describe(`--${name}`) };
    case 'integer':
      return {
        type: ApplicationCommandOptionType.Integer,
        name,
        description: describe(`--${name}: a whole number from ${flag.min} to ${flag.max}`),
        min_value: flag.min,
        max_value: flag.max,
      };
    case 'duration':
      return {
        type: ApplicationCommandOptionType.String,
        name,
        description: describe(`--${name}: a duration such as 30s, 5m, 2h, 1d`),
      };
    case 'regex':
      return {
        type: ApplicationCommandOptionType.String,
        name,
        description: describe(`--${name}: a regular expression`),
      };
    case 'text':
      return {
        type: ApplicationCommandOptionType.String,
        name,
        description: describe(`--${name}`),
        ...(name === HOST_OPTION ? { autocomplete: true } : {}),
      };
  }
}

function argDescription(spec: CommandSpec, name: string): string {
  if (name === spec.containerArg) return 'container name (or the start of its id)';
  if (name === HOST_OPTION) return 'host name';
  return name;
}

function describe(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim() || '-';
  return one.length > MAX_DESCRIPTION ? `${one.slice(0, MAX_DESCRIPTION - 1)}…` : one;
}
