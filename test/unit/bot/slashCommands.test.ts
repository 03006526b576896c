import type { CommandInteractionOption } from 'discord.js';
import { commandWords, completionKind, slashCommandDefinitions } from '../../../bot/adapters/discord/slashCommands';
import { COMMANDS } from '../../../bot/commands/commandTable';
import { parseCommand } from '../../../bot/core/commandParser';
import type { CommandSpec } from '../../../bot/core/commandSpec';

const STRING = 3;
const INTEGER = 4;
const BOOLEAN = 5;

const spec = (name: string): CommandSpec => {
  const found = COMMANDS.find((c) => c.name === name);
  if (!found) throw new Error(`no command ${name}`);
  return found;
};

const option = (name: string, type: number, value: string | number | boolean): CommandInteractionOption =>
  ({ name, type, value }) as CommandInteractionOption;

describe('slash command definitions', () => {
  const definitions = slashCommandDefinitions(COMMANDS);
  const byName = (name: string) => definitions.find((d) => d.name === name);

  it('has one chat-input command per bot command, named as in the specs', () => {
    expect(definitions.map((d) => d.name)).toEqual(COMMANDS.map((c) => c.name));
    for (const d of definitions) {
      expect(d.type).toBe(1);
      expect(d.description.length).toBeGreaterThan(0);
      expect(d.description.length).toBeLessThanOrEqual(100);
      expect(d.options?.length ?? 0).toBeLessThanOrEqual(25);
    }
  });

  it('turns positionals into string options and flags into options of their kind', () => {
    expect(byName('logs')?.options).toEqual([
      expect.objectContaining({ name: 'container', type: STRING, required: true, autocomplete: true }),
      expect.objectContaining({ name: 'tail', type: INTEGER, min_value: 1, max_value: 10000 }),
      expect.objectContaining({ name: 'since', type: STRING }),
      expect.objectContaining({ name: 'grep', type: STRING }),
      expect.objectContaining({ name: 'follow', type: STRING }),
      expect.objectContaining({ name: 'host', type: STRING, autocomplete: true }),
    ]);
    expect(byName('ps')?.options).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'filter', type: STRING, required: false }),
        expect.objectContaining({ name: 'all', type: BOOLEAN }),
      ]),
    );
    expect(byName('silence')?.options?.slice(0, 2)).toEqual([
      expect.objectContaining({ name: 'matcher', type: STRING, required: true }),
      expect.objectContaining({ name: 'duration', type: STRING, required: true }),
    ]);
  });

  it('lists required options before optional ones (Discord refuses otherwise)', () => {
    for (const d of definitions) {
      const required = (d.options ?? []).map((o) => ('required' in o && o.required) === true);
      expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
    }
  });

  it('autocompletes the container word and the host, nothing else', () => {
    expect(completionKind(spec('logs'), 'container')).toBe('container');
    expect(completionKind(spec('logs'), 'host')).toBe('host');
    expect(completionKind(spec('logs'), 'grep')).toBeUndefined();
    const silence = byName('silence')?.options ?? [];
    expect(silence.filter((o) => 'autocomplete' in o && o.autocomplete).map((o) => o.name)).toEqual(['host']);
  });
});

describe('slash command words', () => {
  it('puts positionals in spec order, then flags with their values', () => {
    const words = commandWords(spec('logs'), [
      option('tail', INTEGER, 50),
      option('container', STRING, 'web'),
      option('grep', STRING, 'err|warn'),
    ]);
    expect(words).toEqual(['logs', 'web', '--tail', '50', '--grep', 'err|warn']);
    expect(parseCommand(words, COMMANDS)).toMatchObject({
      ok: true,
      command: { name: 'logs', args: { container: 'web' }, flags: { tail: 50 } },
    });
  });

  it('passes a true boolean as a bare flag and leaves a false one out', () => {
    expect(commandWords(spec('ps'), [option('all', BOOLEAN, true)])).toEqual(['ps', '--all']);
    expect(commandWords(spec('ps'), [option('all', BOOLEAN, false)])).toEqual(['ps']);
  });

  it('keeps a value that looks like a flag a value', () => {
    const words = commandWords(spec('logs'), [option('container', STRING, '--tail'), option('tail', INTEGER, 5)]);
    expect(words).toEqual(['logs', '--tail', '5', '--', '--tail']);
    expect(parseCommand(words, COMMANDS)).toMatchObject({
      ok: true,
      command: { args: { container: '--tail' }, flags: { tail: 5 } },
    });
  });

  it('keeps spaces inside one option one word', () => {
    const words = commandWords(spec('silence'), [
      option('matcher', STRING, 'container=web 1'),
      option('duration', STRING, '1h'),
    ]);
    expect(words).toEqual(['silence', 'container=web 1', '1h']);
  });
});
