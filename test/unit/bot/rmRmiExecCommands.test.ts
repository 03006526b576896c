import { openStore, type Store } from '../../../agent/store/database';
import { AuditLog } from '../../../bot/core/audit';
import type { Identity } from '../../../bot/core/identity';
import { slashCommandDefinitions, commandWords } from '../../../bot/adapters/discord/slashCommands';
import { COMMANDS } from '../../../bot/commands/commandTable';
import { FakeAgent, record } from './fakeAgent';
import { coreOver, quietLogger } from './fakeCore';

const logger = quietLogger;
const config = {
  execTimeout: '7s',
  rateLimit: { commands: 100, per: '1m' },
  roles: {
    admin: { commands: ['*'] },
    operator: { commands: ['ps', 'rm', 'rmi', 'exec'], exec: ['ps', 'cat /etc/*.conf', 'nginx -t'] },
    forcer: { commands: ['rm', 'rmi'], force: true },
    imager: { commands: ['rmi'], containers: { names: ['web'] } },
  },
  members: [
    { role: 'admin', consoleUsers: ['root'] },
    { role: 'operator', consoleUsers: ['alice', 'fred'], discordUsers: ['op'] },
    { role: 'forcer', consoleUsers: ['fred'] },
    { role: 'imager', consoleUsers: ['ivy'] },
  ],
};
const root: Identity = { platform: 'console', userId: 'root' };
const alice: Identity = { platform: 'console', userId: 'alice' };
const fred: Identity = { platform: 'console', userId: 'fred' };
const op: Identity = { platform: 'discord', userId: 'op', channelId: 'C1' };
const ivy: Identity = { platform: 'console', userId: 'ivy' };

let store: Store;
let agent: FakeAgent;

const core = () => coreOver(config, agent, store, 60_000);

function audit(): string[] {
  return new AuditLog(store, logger, Date.now).last(50).map((e) => `${e.event} ${e.command}`);
}

beforeEach(() => {
  store = openStore(':memory:');
  agent = new FakeAgent([record('web'), record('db')]);
});
afterEach(() => store.close());

describe('exec through the command core', () => {
  it('runs an allowed argv after --, with bot.execTimeout, showing output and exit code', async () => {
    const reply = await core().handle({ identity: alice, text: ['exec', 'web', '--', 'ps'] });
    expect(reply).toMatchObject({
      status: 'ok',
      title: 'exec ["ps"] in web: exit code 0',
      text: '`ps` in web: exit code 0.\nOutput:',
      code: { text: 'PID USER\n1 root\n' },
    });
    expect(agent.actions).toEqual(['exec web ["ps"] 7000']);
    expect(audit()).toContain('succeeded exec web -- ps');
    const glob = await core().handle({ identity: op, text: 'exec web -- cat /etc/nginx.conf' });
    expect(glob.status).toBe('ok');
  });

  it('refuses ;, $( ), backticks, && and -- tricks, listing the patterns, before the agent sees anything', async () => {
    const c = core();
    for (const text of [
      'exec web -- ps; rm -rf /',
      'exec web -- ps;',
      'exec web -- "ps; id"',
      'exec web -- ps $(id)',
      'exec web -- ps `id`',
      'exec web -- ps && id',
      'exec web -- nginx -t | sh',
      'exec web -- cat /etc/../etc/shadow.conf',
      'exec web -- cat /etc/a.conf /etc/shadow',
    ]) {
      const reply = await c.handle({ identity: op, text });
      expect({ text, status: reply.status }).toEqual({ text, status: 'denied' });
      expect(reply.text).toMatch(
        /matches none of your exec patterns; you may run: `ps`, `cat \/etc\/\*\.conf`, `nginx -t`$/,
      );
    }
    expect(await c.handle({ identity: op, text: 'exec web -- -- ps' })).toMatchObject({
      status: 'denied',
      text: 'exec: the command cannot start with "-" ("--")',
    });
    expect(await c.handle({ identity: op, text: 'exec web -- -c ps' })).toMatchObject({ status: 'denied' });
    expect(await c.handle({ identity: op, text: 'exec web ps' })).toMatchObject({
      status: 'invalid',
      text: 'exec needs `--` and then <command> (usage: exec <container> [--host H] -- <command> [args…])',
    });
    expect(await c.handle({ identity: op, text: 'exec web --' })).toMatchObject({ status: 'invalid' });
    expect(agent.actions).toEqual([]);
    expect(audit().filter((e) => e.startsWith('denied')).length).toBe(11);
  });

  it('sends long output as a file, saying how much was kept', async () => {
    const long = 'x'.repeat(3000);
    agent.execOutput = { output: long, exitCode: 2 };
    const reply = await core().handle({ identity: alice, text: ['exec', 'web', '--', 'ps'] });
    expect(reply).toMatchObject({ status: 'ok', title: 'exec ["ps"] in web: exit code 2' });
    expect(reply.text).toBe('`ps` in web: exit code 2.\nOutput attached.');
    expect(reply.attachments?.[0]?.content).toBe(long);
    expect(reply.attachments?.[0]?.name).toMatch(/^web-exec-.*\.txt$/);
  });

  it("denies exec to a role without exec patterns, even with commands: ['*']", async () => {
    expect(await core().handle({ identity: root, text: ['exec', 'web', '--', 'ps'] })).toMatchObject({
      status: 'denied',
      text: 'no role of console:root (admin) lists exec patterns (roles.<role>.exec); exec needs them',
    });
    expect(agent.actions).toEqual([]);
  });

  it('on Discord, the command option is tokenized by the same rules (quotes, no shell)', async () => {
    const spec = COMMANDS.find((c) => c.name === 'exec');
    if (!spec) throw new Error('no exec');
    const definition = slashCommandDefinitions([spec])[0];
    expect(definition?.options?.map((o) => `${o.name}${'required' in o && o.required ? '*' : ''}`)).toEqual([
      'container*',
      'command*',
      'host',
    ]);
    const text = commandWords(spec, [
      { name: 'container', type: 3, value: 'web' },
      { name: 'command', type: 3, value: 'cat "/etc/nginx.conf"' },
    ]);
    expect(text).toBe('exec web -- cat "/etc/nginx.conf"');
    expect(await core().handle({ identity: op, text: text as string })).toMatchObject({ status: 'ok' });
    expect(agent.actions).toEqual(['exec web ["cat","/etc/nginx.conf"] 7000']);
    const bad = commandWords(spec, [
      { name: 'container', type: 3, value: 'web' },
      { name: 'command', type: 3, value: 'cat "x' },
    ]);
    expect(await core().handle({ identity: op, text: bad as string })).toMatchObject({
      status: 'invalid',
      text: 'unterminated quote " at character 17',
    });
  });
});

describe('rm and rmi through the command core', () => {
  it('rm always asks a confirmation and passes --volumes; --force needs a role with force', async () => {
    const c = core();
    expect(await c.handle({ identity: alice, text: ['rm', 'web', '--volumes'] })).toMatchObject({
      status: 'confirm',
      text: 'rm web needs a confirmation: run it again with --yes.',
    });
    expect(await c.handle({ identity: alice, text: ['rm', 'web', '--force'], confirmed: true })).toMatchObject({
      status: 'denied',
      text:
        '--force is not allowed to you: no role that allows rm has force: true (roles.<role>.force); run rm ' +
        'without --force',
    });
    expect(agent.actions).toEqual([]);
    expect(await c.handle({ identity: alice, text: ['rm', 'web', '--volumes'], confirmed: true })).toMatchObject({
      status: 'ok',
      title: 'Removed web',
    });
    expect(await c.handle({ identity: fred, text: ['rm', 'db', '--force'], confirmed: true })).toMatchObject({
      status: 'ok',
    });
    expect(agent.actions).toEqual(['rm web volumes by console:alice', 'rm db force by console:fred']);
  });

  it('rm --force on a stopped container is a no-op: no role with force needed, and no force sent', async () => {
    agent = new FakeAgent([record('web'), record('old', { state: 'exited' }), record('halted', { state: 'paused' })]);
    const c = core();
    expect(await c.handle({ identity: alice, text: ['rm', 'old', '--force'], confirmed: true })).toMatchObject({
      status: 'ok',
      title: 'Removed old',
    });
    expect(await c.handle({ identity: alice, text: ['rm', 'halted', '--force'], confirmed: true })).toMatchObject({
      status: 'denied',
    });
    expect(await c.handle({ identity: alice, text: ['rm', 'web', '--force'] })).toMatchObject({ status: 'denied' });
    expect(agent.actions).toEqual(['rm old by console:alice']);
    expect(audit()).toContain('denied rm web --force');
  });

  it('rmi names the image in its confirmation, validates it, and needs force for --force', async () => {
    const c = core();
    const asked = await c.handle({ identity: op, text: 'rmi app:v1' });
    expect(asked).toMatchObject({ status: 'confirm' });
    expect(asked.text).toMatch(/^Really rmi app:v1\?/);
    expect(await c.press(asked.buttons?.[0]?.id ?? '', op)).toMatchObject({
      status: 'ok',
      text: 'Deleted image app:v1.',
    });
    expect(await c.handle({ identity: op, text: 'rmi app:v1 --force' })).toMatchObject({ status: 'denied' });
    expect(await c.handle({ identity: fred, text: ['rmi', 'App:V1;id'], confirmed: true })).toMatchObject({
      status: 'invalid',
      text: '"App:V1;id" is not an image reference (name[:tag], name@sha256:…) or image ID',
    });
    expect(await c.handle({ identity: fred, text: ['rmi', 'app:v1', '--force'], confirmed: true })).toMatchObject({
      status: 'ok',
    });
    expect(agent.actions).toEqual(['rmi app:v1 by discord:op', 'rmi app:v1 force by console:fred']);
  });

  it('rmi lets the agent name only the containers the roles cover for rmi (as images does); the rest are counted', async () => {
    const [web, db] = agent.records.map((r) => r.id);
    const c = core();
    expect(await c.handle({ identity: ivy, text: ['rmi', 'app:v1'], confirmed: true })).toMatchObject({ status: 'ok' });
    expect(await c.handle({ identity: alice, text: ['rmi', 'app:v1'], confirmed: true })).toMatchObject({
      status: 'ok',
    });
    expect(agent.nameable).toEqual([[web], [web, db]]);
  });
});
