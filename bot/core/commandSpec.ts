import type { RemovedName } from '../../agent/actions/removedName';
import type { CommandName } from '../../config/commandNames';

/** What one flag takes; the parser validates and converts its value. */
export type FlagSpec =
  | { kind: 'boolean' }
  | { kind: 'integer'; min: number; max: number }
  /** `bare`: the value when the flag is given without one (the next word is its value only if it starts with a digit). */
  | { kind: 'duration'; bare?: number }
  | { kind: 'regex' }
  | { kind: 'text' };

/** A flag's value once parsed: booleans, integers, durations in ms, compiled regexes, text. */
export type FlagValue = boolean | number | RegExp | string;

/** The grammar of one command: its words, flags and which word names a container. */
export type CommandSpec = {
  name: CommandName;
  summary: string;
  usage: string;
  /** Positional words in order; optional ones come last. */
  args: { name: string; required: boolean }[];
  flags: Record<string, FlagSpec>;
  /**
   * Words after `--`, taken verbatim (flags, further `--`) as `ParsedCommand.rest`: the command of `exec`. A spec
   * with `rest` requires the `--`; without it the words stay a usage error.
   */
  rest?: { name: string; required: boolean };
  /**
   * A refusal beyond the role's grant of the command, checked on the server side before any confirmation (audited
   * as denied): `--force` without `roles.X.force`, an exec argv no pattern of the allowing roles matches. `target`:
   * the resolved container of a container command, as the inventory last saw it.
   */
  refuse?: (
    command: ParsedCommand,
    grant: { force: boolean; execPatterns: readonly string[] },
    target?: { name: string; state: string },
  ) => string | undefined;
  /** The positional that names a container, resolved against the inventory before the command runs. */
  containerArg?: string;
  /**
   * For a container command that also takes a removed name (kept revisions, no container): the revision it acts on,
   * whose recorded labels the roles' container selectors are checked against, or why it cannot run. Absent: the
   * command takes only containers.
   */
  removedRevision?: (command: ParsedCommand, removed: RemovedName) => { revision: number } | { error: string };
  /** Stops, replaces or otherwise disrupts a container: asks for a confirmation first. */
  destructive?: boolean;
  /**
   * Changes a container through the agent (start, stop, restart, rollback): runs under the longer action timeout,
   * and a timeout does not undo it (the agent finishes what it began; the reply says so).
   */
  action?: boolean;
};

/** A command as the user gave it, validated against its spec. */
export type ParsedCommand = {
  name: CommandName;
  args: Record<string, string>;
  flags: Record<string, FlagValue>;
  /** The words after `--` of a spec with `rest`. */
  rest?: string[];
};
