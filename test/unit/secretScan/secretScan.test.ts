import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../config/load';
import { configSecrets, recordSecrets, scanLogs } from '../../support/secretScan';

const YAML = `
agent: { token: agent-token-0123456789 }
registries: [{ host: 127.0.0.1:5000, username: ci, password: registry-pass-42 }]
notifiers:
  - { name: hook, type: webhook, url: "http://127.0.0.1:9/hook/tok-5ecret", headers: { X-Key: header-key-777 } }
  - { name: am, type: alertmanager, url: "http://127.0.0.1:9093" }
  - { name: plain, type: webhook, url: "https://hooks.example/dockwatch" }
bot:
  discord: { token: "\${DISCORD_TOKEN}", guilds: ["1"] }
  slack: { token: xoxb-slack-token, signingSecret: shh }
`;

describe('the secret scan (test/support/secretScan.ts)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dockwatch-secret-scan-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function config() {
    writeFileSync(join(dir, 'dockwatch.yaml'), YAML);
    return loadConfig({ file: join(dir, 'dockwatch.yaml'), env: { DISCORD_TOKEN: 'discord-token-from-env' } });
  }

  it("finds every secret where the config's redaction hides one, a secret URL's path as well", () => {
    expect(configSecrets(config())).toEqual([
      { path: 'agent.token', value: 'agent-token-0123456789' },
      { path: 'notifiers[0].url', value: 'http://127.0.0.1:9/hook/tok-5ecret' },
      { path: 'notifiers[0].url (its path)', value: '/hook/tok-5ecret' },
      { path: 'notifiers[0].headers.X-Key', value: 'header-key-777' },
      { path: 'notifiers[1].url', value: 'http://127.0.0.1:9093' },
      { path: 'notifiers[2].url', value: 'https://hooks.example/dockwatch' },
      { path: 'registries[0].password', value: 'registry-pass-42' },
      { path: 'bot.discord.token', value: 'discord-token-from-env' },
      { path: 'bot.slack.token', value: 'xoxb-slack-token' },
      { path: 'bot.slack.signingSecret', value: 'shh' },
    ]);
  });

  it('names the file, line and config path of each line holding a secret, never the value', () => {
    recordSecrets(dir, config(), 'a test');
    writeFileSync(
      join(dir, 'a.log'),
      'agent listening\nwarn failing error="POST /hook/tok-5ecret"\nshh, quiet\nstore /var/lib/dockwatch/dockwatch.sqlite\n',
    );
    writeFileSync(join(dir, 'b.log'), 'info url=http://127.0.0.1:9/hook/tok-5ecret\ninfo header-key-777\n');
    writeFileSync(join(dir, 'c.txt'), 'not a log: xoxb-slack-token\n');
    const result = scanLogs(dir);
    expect(result.findings).toEqual([
      {
        file: 'a.log',
        line: 2,
        path: 'notifiers[0].url (its path)',
        source: 'a test',
      },
      { file: 'b.log', line: 1, path: 'notifiers[0].url', source: expect.any(String) },
      { file: 'b.log', line: 2, path: 'notifiers[0].headers.X-Key', source: expect.any(String) },
    ]);
    expect({ files: result.files, lines: result.lines, secrets: result.secrets }).toEqual({
      files: 2,
      lines: 6,
      secrets: 10,
    });
    // Too short to scan for without matching ordinary words: listed, not matched.
    expect(result.tooShort).toEqual(['bot.slack.signingSecret']);
    expect(JSON.stringify(result.findings)).not.toContain('tok-5ecret');
  });
});
