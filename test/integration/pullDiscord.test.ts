import { testDocker } from '../support/engine';
import { shown, showing, startDiscordBot, type DiscordBot } from '../support/discordBotHarness';
import { textOf, type FakeMember } from '../support/fakeDiscord';
import { pushFreshImage, startRegistry, type RunningRegistry } from '../support/registry';

const PASSWORD = 'discord-pull-pw-4711';
const PULLERS = { id: '810000000000000001', name: 'Pullers' };
const VIEWERS = { id: '810000000000000002', name: 'Viewers' };
const alice: FakeMember = { id: '710000000000000001', username: 'alice', roles: [PULLERS.id] };
const bob: FakeMember = { id: '710000000000000002', username: 'bob', roles: [VIEWERS.id] };

/** The final answer, not a progress edit (`Running pull …`). */
const answered = showing((text) => text !== '' && !text.startsWith('Running pull'));

describe('pull from Discord (fake Discord, real engine and registry with htpasswd auth)', () => {
  let bot: DiscordBot;
  let registry: RunningRegistry;

  const pull = (member: FakeMember, image: string) => bot.command(member, 'pull', { image }, answered);

  beforeAll(async () => {
    registry = await startRegistry({ auth: { username: 'alice', password: PASSWORD } });
    bot = await startDiscordBot({
      guildRoles: [PULLERS, VIEWERS],
      guildMembers: [alice, bob],
      config: ['registries:', `  - { host: "${registry.host}", username: alice, password: ${PASSWORD} }`],
      roles: ['puller: { commands: [pull, images] }', 'viewer: { commands: [ps, images] }'],
      members: [
        { role: 'puller', discordRoles: [PULLERS.id] },
        { role: 'viewer', discordRoles: [VIEWERS.id] },
      ],
      pulls: true,
    });
  }, 120_000);

  afterAll(async () => {
    await bot?.stop();
    await registry?.stop();
  });

  it('registers /pull with a required image option', () => {
    expect(bot.registeredOptions('pull')).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'image', type: 3, required: true })]),
    );
  });

  it('pulls with the configured credentials and shows the layers; denies a role without pull', async () => {
    const image = await pushFreshImage(registry, 'team/app', 'v1', 400_000);
    try {
      const reply = await pull(alice, image.ref);
      const text = textOf(shown(reply));
      expect(text).toContain(`Pulled ${image.ref}`);
      expect(text).toMatch(/layers 3\/3, 400\.\d kB \/ 400\.\d kB/);
      expect(text).not.toContain(PASSWORD);
      expect((await testDocker().getImage(image.ref).inspect()).Id).toBe(image.imageId);

      const denied = await pull(bob, image.ref);
      expect(textOf(shown(denied))).toContain('allows pull');
    } finally {
      await testDocker()
        .getImage(image.ref)
        .remove()
        .catch(() => undefined);
    }
  });

  it('says an unknown tag was not found', async () => {
    const ref = `${registry.host}/team/app:nope`;
    const reply = await pull(alice, ref);
    expect(textOf(shown(reply))).toContain(`image ${ref} was not found`);
  });
});
