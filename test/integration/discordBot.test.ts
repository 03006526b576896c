import { createLogger } from '../../shared/logger';
import type { Alert } from '../../alerts/alert';
import { createDiscordAdapter } from '../../bot/adapters/discord/discordAdapter';
import { alertMessage } from '../../bot/alertMessage';
import { answered, startDiscordBot, type DiscordBot } from '../support/discordBotHarness';
import { removeTestContainers, runTestContainer, testDocker, waitFor, type TestContainer } from '../support/engine';
import { buttonsOf, textOf, type FakeMember, type FakeMessage } from '../support/fakeDiscord';

/** Long enough that the alert's Silence button id passes Discord's 100-character custom_id limit. */
const HOST = 'discord-test-host-with-a-name-long-enough';
const ADMINS = { id: '800000000000000001', name: 'Admins' };
const VIEWERS = { id: '800000000000000002', name: 'Viewers' };
const alice: FakeMember = { id: '700000000000000001', username: 'alice', roles: [ADMINS.id] };
const carol: FakeMember = { id: '700000000000000002', username: 'carol', roles: [ADMINS.id] };
const bob: FakeMember = { id: '700000000000000003', username: 'bob', roles: [VIEWERS.id] };
const eve: FakeMember = { id: '700000000000000004', username: 'eve', roles: [] };

const LINES = 3000;

let bot: DiscordBot;
let fake: DiscordBot['fake'];
let t: DiscordBot['t'];
let adapter: DiscordBot['adapter'];
let core: DiscordBot['core'];
let web: TestContainer;
let victim: TestContainer;
let chatty: TestContainer;

const run = (member: FakeMember, name: string, options: Record<string, string | number | boolean> = {}) =>
  bot.command(member, name, options);

const press = (...args: Parameters<DiscordBot['press']>) => bot.press(...args);

const inspect = (c: TestContainer) => testDocker().getContainer(c.id).inspect();

beforeAll(async () => {
  [web, victim, chatty] = await Promise.all([
    runTestContainer({ name: 'web', cmd: ['sleep', '3600'], stopTimeoutSeconds: 1 }),
    runTestContainer({ name: 'victim', cmd: ['sleep', '3600'], stopTimeoutSeconds: 1 }),
    runTestContainer({
      name: 'chatty',
      cmd: ['sh', '-c', `i=1; while [ $i -le ${LINES} ]; do echo "line $i"; i=$((i+1)); done; exec sleep 3600`],
      stopTimeoutSeconds: 1,
    }),
  ]);
  bot = await startDiscordBot({
    guildRoles: [ADMINS, VIEWERS],
    guildMembers: [alice, carol, bob, eve],
    config: ['agent:', `  hostName: ${HOST}`, 'containers:', '  include: { labels: { dockwatch.test: "1" } }'],
    bot: ['rateLimit: { commands: 100, per: 1m }'],
    alertChannel: true,
    roles: ['admin: { commands: ["*"] }', 'viewer: { commands: [ps, logs, stats, inspect, help] }'],
    members: [
      { role: 'admin', discordRoles: [ADMINS.id] },
      { role: 'viewer', discordRoles: [VIEWERS.name] },
    ],
  });
  ({ fake, t, adapter, core } = bot);
  await waitFor(
    async () => {
      const names = await core.complete(
        { platform: 'discord', userId: alice.id, roleIds: [ADMINS.id] },
        'ps',
        'container',
        'dwtest-',
      );
      return [web, victim, chatty].every((c) => names.includes(c.name));
    },
    { what: 'the agent to list the test containers', timeoutMs: 30_000 },
  );
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  await removeTestContainers();
});

describe('Discord bot against a fake Discord and the real engine', () => {
  it('registers one slash command per bot command for the guild, with typed options and autocompletion', () => {
    const commands = fake.registeredCommands();
    const names = commands.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['ps', 'logs', 'stop', 'restart', 'silence', 'help']));
    const logs = commands.find((c) => c.name === 'logs') as { options: Record<string, unknown>[] };
    expect(logs.options).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'container', type: 3, required: true, autocomplete: true }),
        expect.objectContaining({ name: 'tail', type: 4, min_value: 1, max_value: 10000 }),
        expect.objectContaining({ name: 'since', type: 3 }),
      ]),
    );
    const put = fake.requests.find((r) => r.method === 'PUT' && r.path.endsWith(`/guilds/${fake.guildId}/commands`));
    expect(put?.path).toBe(`/api/v10/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
  });

  it('autocompletes container names for the member typing', async () => {
    const choices = await fake.autocomplete(alice, 'logs', 'container', 'dwtest-');
    expect(choices).toEqual(expect.arrayContaining([web.name, victim.name, chatty.name]));
    expect(await fake.autocomplete(eve, 'logs', 'container', 'dwtest-')).toEqual([]);
  });

  it('/ps lists the containers', async () => {
    const reply = await run(bob, 'ps');
    const text = textOf(reply.message);
    for (const c of [web, victim, chatty]) expect(text).toContain(c.name);
    expect(reply.message?.ephemeral).toBe(false);
  });

  it('/help answers only the asker, with the commands their role allows', async () => {
    const reply = await run(bob, 'help');
    expect(reply.message?.ephemeral).toBe(true);
    const text = textOf(reply.message);
    expect(text).toContain('Commands you may run');
    expect(text).toContain('logs <container>');
    expect(text).not.toContain('stop <container>');
  });

  it('/logs shows the last lines in a code block', async () => {
    const reply = await run(bob, 'logs', { container: chatty.name, tail: 5 });
    const text = textOf(reply.message);
    expect(text).toContain(`line ${LINES}`);
    expect(text).toContain(`line ${LINES - 4}`);
    expect(text).not.toContain(`line ${LINES - 5}\n`);
    expect(text).toContain('```');
  });

  it('/logs with many lines arrives as a file', async () => {
    await waitFor(
      async () => {
        const reply = await run(alice, 'logs', { container: chatty.name, tail: 2000 });
        return reply.message?.files[0]?.content.includes(`line ${LINES}\n`) && reply;
      },
      { what: 'all lines of chatty in the log file', timeoutMs: 30_000, intervalMs: 500 },
    );
    const reply = await run(alice, 'logs', { container: chatty.name, tail: 2000 });
    const file = reply.message?.files[0];
    expect(file?.name).toMatch(new RegExp(`^${chatty.name}-.*\\.log$`));
    const lines = file?.content.trimEnd().split('\n') ?? [];
    expect(lines).toHaveLength(2000);
    expect(lines[0]).toBe(`line ${LINES - 1999}`);
    expect(textOf(reply.message)).toContain('2000 lines, attached');
  });

  it('/restart by an admin asks for a confirmation and, confirmed, restarts the container', async () => {
    const before = (await inspect(web)).State.StartedAt;
    const asked = await run(alice, 'restart', { container: web.name });
    expect(textOf(asked.message)).toContain(`Really restart ${web.name}?`);
    const done = await press(alice, asked.message as FakeMessage, 'Yes, restart', (r) =>
      textOf(r.message).includes('Restarted'),
    );
    expect(textOf(done.message)).toContain(`Restarted ${web.name}`);
    expect(buttonsOf(done.message)).toEqual([]);
    const after = await inspect(web);
    expect(after.State.Running).toBe(true);
    expect(after.State.StartedAt).not.toBe(before);
  });

  it('/stop asks for a confirmation that only its requester may give; confirmed, the container stops', async () => {
    const asked = await run(alice, 'stop', { container: victim.name });
    const confirm = asked.message as FakeMessage;
    expect(buttonsOf(confirm).map((b) => b.label)).toEqual(['Yes, stop', 'Cancel']);

    const denied = await press(carol, confirm, 'Yes, stop', (r) => r.followUps.length > 0);
    expect(denied.followUps[0]?.ephemeral).toBe(true);
    expect(textOf(denied.followUps[0])).toContain(`Only discord:${alice.id} may confirm this.`);
    expect(buttonsOf(denied.message).map((b) => b.label)).toEqual(['Yes, stop', 'Cancel']);
    expect((await inspect(victim)).State.Running).toBe(true);

    const done = await press(alice, confirm, 'Yes, stop', (r) => textOf(r.message).includes('Stopped'));
    expect(textOf(done.message)).toContain(`Stopped ${victim.name}`);
    expect(buttonsOf(done.message)).toEqual([]);
    expect((await inspect(victim)).State.Status).toBe('exited');
  });

  it("denies a viewer's /stop and a member without a role /ps", async () => {
    const stop = await run(bob, 'stop', { container: web.name });
    expect(textOf(stop.message)).toMatch(/Denied[\s\S]*no role of discord:700000000000000003 \(viewer\) allows stop/);
    expect(buttonsOf(stop.message)).toEqual([]);
    expect((await inspect(web)).State.Running).toBe(true);

    const ps = await run(eve, 'ps');
    expect(textOf(ps.message)).toContain('has no role (deny by default)');
    expect(textOf(ps.message)).not.toContain(web.name);
  });

  it('posts an alert with Restart, Logs and Silence buttons that run as whoever presses them', async () => {
    const now = Date.now();
    const alert: Alert = {
      key: `crashed{container="${chatty.name}"}`,
      rule: 'crashed',
      severity: 'critical',
      state: 'firing',
      labels: { alertname: 'crashed', severity: 'critical', host: HOST, container: chatty.name },
      annotations: { summary: `${chatty.name} crashed @everyone` },
      activeAt: now - 60_000,
      firedAt: now - 30_000,
      lines: ['panic: ```boom```'],
    };
    await adapter.postAlert(alertMessage(alert, HOST, now));
    const posted = await fake.waitForChannelMessage(fake.alertChannelId);
    expect(textOf(posted)).toContain(`Firing: crashed on ${chatty.name}`);
    expect(textOf(posted)).toContain('panic: ```boom```');
    expect(JSON.stringify(posted.embeds)).not.toContain('@everyone');
    expect(buttonsOf(posted).map((b) => b.label)).toEqual(['Restart', 'Logs', 'Silence 1h']);
    const post = fake.requests.find(
      (r) => r.method === 'POST' && r.path.endsWith(`/channels/${fake.alertChannelId}/messages`),
    );
    expect(post?.body).toMatchObject({ allowed_mentions: { parse: [] } });

    const logs = await press(bob, posted, 'Logs');
    expect(textOf(logs.message)).toContain(`Logs of ${chatty.name}`);
    expect(textOf(logs.message)).toContain(`line ${LINES}`);
    expect(buttonsOf(fake.channelMessages(fake.alertChannelId)[0])).toHaveLength(3);

    const silenceButton = buttonsOf(posted).find((b) => b.label === 'Silence 1h');
    expect(silenceButton?.customId).toMatch(/^dw:/);
    const silence = await press(alice, posted, 'Silence 1h');
    expect(textOf(silence.message)).toMatch(/Silence \S+ added/);
    const silences = t.agent.alerts.engine.silences.list();
    expect(silences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          matchers: { rule: 'crashed', container: chatty.name },
          createdBy: `discord:${alice.id}`,
        }),
      ]),
    );

    const deniedSilence = await press(eve, posted, 'Silence 1h', (r) => r.followUps.length > 0);
    expect(deniedSilence.message).toBeUndefined();
    expect(deniedSilence.followUps[0]?.ephemeral).toBe(true);
    expect(textOf(deniedSilence.followUps[0])).toContain('has no role');

    const restart = await press(alice, posted, 'Restart');
    expect(textOf(restart.message)).toContain(`Really restart ${chatty.name}?`);
    expect(buttonsOf(restart.message).map((b) => b.label)).toEqual(['Yes, restart', 'Cancel']);
  });

  it('rejects start() with a clear message, without the token, when Discord refuses the token', async () => {
    const logger = createLogger({ level: 'error', format: 'text', silent: true });
    const wrong = 'wrong-token-that-must-not-be-printed';
    const config = { token: wrong, guilds: [fake.guildId], apiUrl: fake.apiUrl };
    const refused = createDiscordAdapter({ config, core, logger }).start();
    await expect(refused).rejects.toThrow(/Discord adapter could not start: .*invalid token/i);
    await expect(refused).rejects.not.toThrow(wrong);
  });

  it('answers a pressed button whose stand-in id is no longer known', async () => {
    const posted = fake.channelMessages(fake.alertChannelId)[0] as FakeMessage;
    const id = await fake.pressButton(alice, posted, 'dw:not-a-known-token');
    const reply = await fake.waitForReply(id, answered);
    expect(reply.message?.ephemeral).toBe(true);
    expect(textOf(reply.message)).toContain('This button expired');
  });
});
