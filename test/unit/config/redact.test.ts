import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../../config/load';
import { redactConfig, renderEffectiveConfig } from '../../../config/redact';
import { defaultConfig } from '../../../config/schema';
import { fixture } from './fixtureDir';

const TOKEN = 'tok-3f9a1c77e2';

describe('renderEffectiveConfig', () => {
  const config = loadConfig({ file: fixture('full.yaml'), env: { DOCKWATCH_TEST_TOKEN: TOKEN } });
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dockwatch-redact-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never shows the token', () => {
    const text = renderEffectiveConfig(config);
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('token: <secret>');
  });

  it('renders durations back as duration strings', () => {
    expect(redactConfig(config).stats).toEqual({
      interval: '10s',
      collector: 'api',
      apiConcurrency: 16,
      fsUsageInterval: '1h30m',
      resyncInterval: '2m',
    });
  });

  it('leaves unset optionals out', () => {
    const agent = redactConfig(defaultConfig()).agent as Record<string, unknown>;
    expect(Object.keys(agent)).not.toContain('token');
    expect(Object.keys(redactConfig(defaultConfig()).docker as object)).not.toContain('tls');
  });

  it('reads back as the same config (without secrets)', () => {
    const noSecret = { ...config, agent: { ...config.agent, listen: '[::1]:9500', token: undefined } };
    const text = renderEffectiveConfig(noSecret);
    const file = join(dir, 'effective.yaml');
    writeFileSync(file, text);
    expect(loadConfig({ env: {}, file })).toEqual(noSecret);
    expect(parse(text)).toEqual(redactConfig(noSecret));
  });

  it('renders the defaults as docs/configuration.md shows them', () => {
    const text = renderEffectiveConfig({ ...defaultConfig(), agent: { ...defaultConfig().agent, hostName: 'host-a' } });
    expect(text).toBe(
      [
        'docker:',
        '  host: unix:///var/run/docker.sock',
        '  cgroupRoot: /sys/fs/cgroup',
        '  procRoot: /proc',
        '  stallTimeout: 10s',
        'agent:',
        '  listen: 127.0.0.1:9417',
        '  dataDir: ./data',
        '  hostName: host-a',
        '  logLevel: info',
        '  logFormat: text',
        'containers:',
        '  include:',
        '    names:',
        '      - "*"',
        '  exclude:',
        '    labels:',
        '      dockwatch.ignore: "true"',
        'stats:',
        '  interval: 5s',
        '  collector: auto',
        '  apiConcurrency: 8',
        '  fsUsageInterval: 5m',
        '  resyncInterval: 5m',
        'metrics:',
        '  containerLabels:',
        '    - com.docker.compose.project',
        '    - com.docker.compose.service',
        'logs:',
        '  include:',
        '    names:',
        '      - "*"',
        '  exclude: {}',
        '  maxLineBytes: 16384',
        'alerts:',
        '  groupWait: 100ms',
        '  groupWindow: 30s',
        '  repeatInterval: 4h',
        '  keepFiringFor: 0s',
        '  rules: []',
        '  routes: []',
        '  silences: []',
        '  maintenance: []',
        '  digest:',
        '    schedule: 0 9 * * *',
        '    timezone: UTC',
        '    notifiers: []',
        'notifiers: []',
        'revisions:',
        '  keep: 5',
        '  rollbackTimeout: 1m',
        '  forgetAfter: 7d',
        'images:',
        '  usageInterval: 5m',
        '  updateCheck:',
        '    enabled: true',
        '    interval: 6h',
        '    requestsPerRegistry: 100',
        '    optOutLabel: dockwatch.update-check=false',
        'registries: []',
        'bot:',
        '  agents: []',
        '  confirmTimeout: 1m',
        '  commandTimeout: 30s',
        '  execTimeout: 30s',
        '  rateLimit:',
        '    commands: 10',
        '    per: 1m',
        '  roles: {}',
        '  members: []',
        '',
      ].join('\n'),
    );
  });
});
