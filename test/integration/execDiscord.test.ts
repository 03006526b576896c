import { removeTestContainers, runTestContainer, type TestContainer } from '../support/engine';
import { startDiscordBot, type DiscordBot } from '../support/discordBotHarness';
import { textOf, type FakeMember } from '../support/fakeDiscord';

const OPS = { id: '810000000000000001', name: 'Ops' };
const ADMINS = { id: '810000000000000002', name: 'Admins' };
const olga: FakeMember = { id: '710000000000000001', username: 'olga', roles: [OPS.id] };
const adam: FakeMember = { id: '710000000000000002', username: 'adam', roles: [ADMINS.id] };

let bot: DiscordBot;
let box: TestContainer;

const run = (member: FakeMember, options: Record<string, string>) =>
  bot.command(member, 'exec', options, (reply) => textOf(reply.message) !== '');

beforeAll(async () => {
  box = await runTestContainer({
    name: 'exec-discord',
    cmd: ['sh', '-c', 'mkdir -p /etc && echo "listen 80" > /etc/app.conf && exec sleep 600'],
  });
  bot = await startDiscordBot({
    guildRoles: [OPS, ADMINS],
    guildMembers: [olga, adam],
    config: ['containers:', '  include: { labels: { dockwatch.test: "1" } }'],
    bot: ['rateLimit: { commands: 100, per: 1m }'],
    roles: ["ops: { commands: [exec], exec: ['cat /etc/*.conf'] }", 'admin: { commands: ["*"] }'],
    members: [
      { role: 'ops', discordRoles: [OPS.id] },
      { role: 'admin', discordRoles: [ADMINS.id] },
    ],
  });
  await bot.waitForContainers(box.id);
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  await removeTestContainers();
});

describe('/exec on a fake Discord and the real engine', () => {
  it('registers the command as one required text option after the container', () => {
    expect(
      bot.registeredOptions('exec').map((o) => `${String(o.name)}:${String(o.type)}:${o.required === true}`),
    ).toEqual(['container:3:true', 'command:3:true', 'host:3:false']);
  });

  it('runs the command line, tokenized as a command (quotes), only for the asker', async () => {
    const reply = await run(olga, { container: box.name, command: 'cat "/etc/app.conf"' });
    expect(reply.message?.ephemeral).toBe(true);
    const text = textOf(reply.message);
    expect(text).toContain('listen 80');
    expect(text).toContain('exit code 0');
  });

  it('refuses metacharacters and -- tricks in the option, with the patterns; admin without patterns is denied', async () => {
    for (const command of ['cat /etc/app.conf; id', 'cat /etc/app.conf $(id)', '-- cat /etc/app.conf', 'cat `id`']) {
      const text = textOf((await run(olga, { container: box.name, command })).message);
      expect({ command, denied: /matches none of your exec patterns|cannot start with "-"/.test(text) }).toEqual({
        command,
        denied: true,
      });
    }
    const unterminated = textOf((await run(olga, { container: box.name, command: 'cat "/etc/app.conf' })).message);
    expect(unterminated).toContain('unterminated quote');
    const admin = textOf((await run(adam, { container: box.name, command: 'cat /etc/app.conf' })).message);
    expect(admin).toContain('lists exec patterns (roles.<role>.exec); exec needs them');
  });
});
