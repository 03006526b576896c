import { createLogger } from '../../../shared/logger';
import { buildFleet } from '../../../bot/fleetFromConfig';
import { botSchema } from '../../../config/botSchema';
import { ConfigError } from '../../../config/configError';

const logger = createLogger({ level: 'error', format: 'text', silent: true });

async function problemsOf(bot: unknown): Promise<readonly string[]> {
  try {
    await buildFleet(botSchema.parse(bot), logger, { lookup: async () => [] });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('buildFleet', () => {
  it('collects every problem, not just the first', async () => {
    expect(
      await problemsOf({
        agents: [
          { name: 'web', url: 'https://10.0.0.1:9417', ca: '/nonexistent/web-ca.pem' },
          { name: 'db', url: 'http://10.0.0.2:9417' },
          { name: 'cache', url: 'https://10.0.0.3:9417', ca: '/nonexistent/cache-ca.pem' },
        ],
        discovery: { dns: 'agents.internal', port: 9417, scheme: 'https', ca: '/nonexistent/dns-ca.pem' },
      }),
    ).toEqual([
      'bot.agents[0] (web): cannot read the CA file /nonexistent/web-ca.pem (ENOENT)',
      'bot.agents[2] (cache): cannot read the CA file /nonexistent/cache-ca.pem (ENOENT)',
      'bot.discovery.ca: cannot read /nonexistent/dns-ca.pem (ENOENT)',
    ]);
  });

  it('needs agents or discovery', async () => {
    expect(await problemsOf({})).toEqual(['bot: no agents to reach (list them in bot.agents or set bot.discovery)']);
  });

  it('names the configured agents without calling them, plus what discovery finds (nothing here)', async () => {
    const bot = botSchema.parse({
      agents: [
        { name: 'web', url: 'http://10.0.0.1:9417', token: 't' },
        { name: 'db', url: 'http://10.0.0.2:9417' },
      ],
      discovery: { dns: 'agents.internal', port: 9417 },
    });
    const fleet = await buildFleet(bot, logger, { lookup: async () => [] });
    expect(fleet.hostNames()).toEqual(['db', 'web']);
    expect(fleet.agent('web')?.hostName()).toBe('web');
    await fleet.close();
  });
});
